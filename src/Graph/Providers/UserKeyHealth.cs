using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Graph.Providers;

/// <summary>The breaker of the caller's own key for a provider: each user key has one of its own (<see cref="CredentialPipelines"/>).</summary>
public sealed class UserKeyHealth(ProviderKeyStore keys, CredentialPipelines pipelines, CurrentUser user)
{
    public async Task<ProviderHealth?> FindAsync(ChatProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (!provider.AcceptsUserKeys || !user.IsKnown)
            return null;
        try
        {
            return await keys.FindKeyAsync(user.Id, provider, cancellationToken) is { } key && pipelines.BreakerFor(provider, key.Value) is { } breaker
                ? new ProviderHealth(breaker, ShowsDetails: true)
                : null;
        }
        catch (ProviderKeyUnreadableException)
        {
            // Logged by the store; the key cannot be used, so it has no breaker to show.
            return null;
        }
    }
}
