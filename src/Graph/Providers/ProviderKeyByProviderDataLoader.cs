using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Keys;

namespace LlmPlatform.Graph.Providers;

/// <summary>The current user's key status for each provider asked for, in one query for the whole provider list.</summary>
public sealed class ProviderKeyByProviderDataLoader(ProviderKeyStore keys, CurrentUser user) : BatchLoader<string, ProviderKeyStatus>
{
    protected override Task<IReadOnlyDictionary<string, ProviderKeyStatus>> FetchAsync(IReadOnlyList<string> providers, CancellationToken cancellationToken) =>
        keys.GetStatusesAsync(user.Id, providers, cancellationToken);
}
