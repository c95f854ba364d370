using System.Collections.Concurrent;
using LlmPlatform.Llm.Providers.Balancing;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Providers;

/// <summary>A configured provider as the pipeline sees it: its models, whether it can be used, and its SK service.</summary>
/// <param name="createService">Makes the service for a model, with a user's key or (null) the server's.</param>
/// <param name="deployments">The deployments server-key calls are spread over; none, the provider itself.</param>
public sealed class ChatProvider(
    string name, ProviderOptions options, Func<string, string?, IChatCompletionService> createService, IReadOnlyList<ProviderDeployment>? deployments = null)
{
    // Semantic Kernel's connectors are bound to one model each.
    private readonly ConcurrentDictionary<string, IChatCompletionService> _services = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public ProviderKind Kind => options.Kind;

    public IReadOnlyDictionary<string, ModelOptions> Models => options.Models;

    public string DefaultModel => options.DefaultModel ?? options.Models.Keys.First();

    /// <summary>The deployments its server-key calls are spread over (users' own keys call the provider itself); empty for none.</summary>
    public IReadOnlyList<ProviderDeployment> Deployments { get; } = deployments ?? [];

    public BalancingOptions Balancing => options.Balancing;

    /// <summary>False when a key or endpoint it needs is missing; such a provider is listed but refuses requests.</summary>
    public bool IsUsable => Deployments.Count > 0 ? Deployments.Any(d => d.Calls.IsUsable) : options.Kind switch
    {
        ProviderKind.Echo => true,
        ProviderKind.OpenAI => !string.IsNullOrWhiteSpace(options.ApiKey),
        ProviderKind.AzureOpenAI => !string.IsNullOrWhiteSpace(options.ApiKey) && options.Endpoint is not null,
        ProviderKind.OpenAICompatible or ProviderKind.Ollama => options.Endpoint is not null,
        _ => false,
    };

    /// <summary>True for the kinds that authenticate with an API key, so a user may bring their own: openai, azure-openai, openai-compatible.</summary>
    public bool AcceptsUserKeys => options.Kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI or ProviderKind.OpenAICompatible;

    /// <summary>The Semantic Kernel service that talks to this provider about <paramref name="model"/>, made on first use.</summary>
    public IChatCompletionService GetService(string model) => _services.GetOrAdd(model, m => createService(m, null));

    /// <summary>
    /// A new service for <paramref name="model"/> that authenticates with <paramref name="apiKey"/> instead of the
    /// server's key, over the same HTTP client (timeouts, retries, circuit breaker). Not cached here: the caller
    /// decides how long a user's key stays in memory.
    /// </summary>
    /// <remarks>
    /// Each key has a circuit breaker of its own (<see cref="Routing.CredentialPipelines"/>): a user's key out of quota
    /// (429) or failing opens that key's circuit only, never the server key's.
    /// </remarks>
    public IChatCompletionService CreateServiceWithKey(string model, string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        if (!AcceptsUserKeys)
            throw new InvalidOperationException($"Provider {Name} takes no API key.");
        return createService(model, apiKey);
    }
}
