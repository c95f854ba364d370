using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Keys;

namespace LlmPlatform.Graph.Providers;

/// <summary>Sets and removes the current user's own provider keys. Bad input, or a caller with no account, changes nothing.</summary>
public sealed class ProviderKeyCommands(ProviderKeyStore keys, CurrentUser user)
{
    public async Task<ProviderKeyPayload> SetAsync(SetProviderKeyInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!user.IsKnown)
            return ProviderKeyPayload.Failed(NoAccount());
        return ToPayload(await keys.SetAsync(user.Id, input.Provider, input.ApiKey, cancellationToken));
    }

    public async Task<ProviderKeyPayload> RemoveAsync(RemoveProviderKeyInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!user.IsKnown)
            return ProviderKeyPayload.Failed(NoAccount());
        return ToPayload(await keys.RemoveAsync(user.Id, input.Provider, cancellationToken));
    }

    private static ProviderKeyPayload ToPayload(ProviderKeyChange change) => change.Errors.Count > 0
        ? ProviderKeyPayload.Failed([.. change.Errors.Select(e => new UserError(e.Message, e.Code, ["input", e.Field]))])
        : new ProviderKeyPayload(change.Status, change.Changed, []);

    // The schema's authorization rule refuses nobody before anything runs; this holds should a mutation ever be let
    // through anonymously, since a key must belong to an account.
    private static UserError NoAccount() => new("Sign in to keep keys of your own.", UserRequiredValidationRule.Code);
}
