using System.Collections.Concurrent;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Providers;

/// <summary>A configured provider as the pipeline sees it: its models, whether it can be used, and its SK service.</summary>
public sealed class ChatProvider(string name, ProviderOptions options, Func<string, IChatCompletionService> createService)
{
    // Semantic Kernel's connectors are bound to one model each.
    private readonly ConcurrentDictionary<string, IChatCompletionService> _services = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public ProviderKind Kind => options.Kind;

    public IReadOnlyDictionary<string, ModelOptions> Models => options.Models;

    public string DefaultModel => options.DefaultModel ?? options.Models.Keys.First();

    /// <summary>False when a key or endpoint it needs is missing; such a provider is listed but refuses requests.</summary>
    public bool IsUsable => options.Kind switch
    {
        ProviderKind.Echo => true,
        ProviderKind.OpenAI => !string.IsNullOrWhiteSpace(options.ApiKey),
        ProviderKind.AzureOpenAI => !string.IsNullOrWhiteSpace(options.ApiKey) && options.Endpoint is not null,
        ProviderKind.OpenAICompatible or ProviderKind.Ollama => options.Endpoint is not null,
        _ => false,
    };

    /// <summary>The Semantic Kernel service that talks to this provider about <paramref name="model"/>, made on first use.</summary>
    public IChatCompletionService GetService(string model) => _services.GetOrAdd(model, createService);
}
