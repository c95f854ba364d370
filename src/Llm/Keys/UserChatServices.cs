using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Keys;

/// <summary>
/// The chat service a user's generation calls: one built with their own key when they set one for the provider,
/// else the server's. Services built with users' keys are kept in a bounded cache by user, provider, model and key
/// fingerprint, so a changed or removed key takes effect on the next generation, on every instance (each one reads
/// the stored key for every generation), while a user's run of generations reuses one service.
/// </summary>
public sealed class UserChatServices(ProviderKeyStore keys, CredentialPipelines pipelines, IOptions<ProviderKeyOptions> options) : IDisposable
{
    private readonly MemoryCache _services = new(new MemoryCacheOptions { SizeLimit = options.Value.ServiceCacheSize });

    public async Task<ChatServiceChoice> ChooseAsync(ChatProvider provider, string model, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        // Only the kinds that take keys can have one stored: the others never cost a database read.
        if (provider.AcceptsUserKeys)
        {
            ProviderApiKey? key;
            try
            {
                key = await keys.FindKeyAsync(userId, provider, cancellationToken);
            }
            catch (ProviderKeyUnreadableException)
            {
                // Logged by the store. Refused rather than sent with the server's key: the user asked for theirs.
                return new ChatServiceChoice(null, ChatServiceProblem.UserKeyUnreadable, null);
            }
            if (key is not null)
                return new ChatServiceChoice(GetOrCreate(provider, model, userId, key), ChatServiceProblem.None, pipelines.BreakerFor(provider, key.Value), UsesUserKey: true);
        }
        // The provider's own service is never called with the server's key when it has deployments (nor can it be made
        // without a key of its own): the chain calls each deployment's.
        if (provider.Deployments.Count > 0)
            return new ChatServiceChoice(null, ChatServiceProblem.None, null);
        return provider.IsUsable
            ? new ChatServiceChoice(provider.GetService(model), ChatServiceProblem.None, pipelines.BreakerFor(provider, null))
            : new ChatServiceChoice(null, provider.AcceptsUserKeys ? ChatServiceProblem.NoKey : ChatServiceProblem.NotConfigured, null);
    }

    public void Dispose() => _services.Dispose();

    private IChatCompletionService GetOrCreate(ChatProvider provider, string model, Guid userId, ProviderApiKey key) =>
        _services.GetOrCreate(new CacheKey(userId, provider.Name, model, key.Fingerprint), entry =>
        {
            entry.Size = 1;
            // Bounded in time as well as in number: the key stays in clear inside the service while it is cached.
            entry.SlidingExpiration = options.Value.ServiceIdleLifetime;
            return provider.CreateServiceWithKey(model, key.Value);
        })!;

    private sealed record CacheKey(Guid UserId, string Provider, string Model, string Fingerprint);
}

/// <summary>
/// The service to call, or why there is none; the circuit breaker its calls go through (null for echo); and whether it
/// calls with the user's own key (<paramref name="UsesUserKey"/>). No service and no problem: the provider's deployments
/// serve (see <see cref="Providers.Balancing.DeploymentTargets"/>).
/// </summary>
public readonly record struct ChatServiceChoice(IChatCompletionService? Service, ChatServiceProblem Problem, CredentialBreaker? Breaker, bool UsesUserKey = false);

public enum ChatServiceProblem
{
    None,

    /// <summary>The provider lacks a server setting it needs (an endpoint, or a key for a kind users cannot bring keys to).</summary>
    NotConfigured,

    /// <summary>The provider has no server-wide key, and the user has set none of their own.</summary>
    NoKey,

    /// <summary>The user's stored key cannot be unprotected here (the key ring is missing).</summary>
    UserKeyUnreadable,
}
