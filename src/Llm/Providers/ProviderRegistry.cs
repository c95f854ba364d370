using System.Net.Http.Headers;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Providers.Echo;
using LlmPlatform.Llm.Providers.Ollama;
using LlmPlatform.Llm.Providers.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace LlmPlatform.Llm.Providers;

/// <summary>The configured providers by name, each behind a Semantic Kernel chat completion service.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, ChatProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    public ProviderRegistry(IOptions<LlmOptions> options, IHttpClientFactory httpClients, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        var configured = new Dictionary<string, ProviderOptions>(options.Value.Providers, StringComparer.OrdinalIgnoreCase);
        // Demos, tests and load tests run offline: echo is there unless its name is configured otherwise.
        configured.TryAdd(LlmOptions.EchoProviderName, new ProviderOptions { Kind = ProviderKind.Echo });
        foreach (var (name, provider) in configured)
        {
            // Only echo may leave its models out (options validation refuses the others): it has one of its own.
            if (provider.Models.Count == 0 && provider.Kind == ProviderKind.Echo)
                provider.Models[EchoChatCompletionService.DefaultModel] = new ModelOptions();
            var deployments = provider.Deployments.Select(d =>
            {
                var calls = provider.ForDeployment(d);
                var client = HttpClientName(name, d.Name);
                return new ProviderDeployment(d.Name, new ChatProvider(name, calls, (model, _) => Create(name, calls, model, calls.ApiKey, httpClients, clock, client)));
            }).ToList();
            // Users' own keys call the provider's endpoint, or its first deployment's when it has none of its own.
            var own = provider.Endpoint is null && provider.Deployments.Count > 0
                ? provider.ForDeployment(new() { Endpoint = provider.Deployments[0].Endpoint })
                : provider;
            _providers[name] = new ChatProvider(name, own,
                (model, apiKey) => Create(name, own, model, apiKey ?? own.ApiKey, httpClients, clock, HttpClientName(name)), deployments);
        }
        DefaultProvider = options.Value.DefaultProvider;
    }

    public string DefaultProvider { get; }

    public IEnumerable<ChatProvider> All => _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal);

    public ChatProvider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>The name of the HTTP client a provider's calls go through (timeouts and resilience hang on it).</summary>
    public static string HttpClientName(string provider) => "llm:" + provider;

    /// <summary>The name of the HTTP client of one deployment of a provider (its own circuit breaker hangs on it).</summary>
    public static string HttpClientName(string provider, string deployment) => $"llm:{provider}/{deployment}";

    private static IChatCompletionService Create(
        string name, ProviderOptions provider, string model, string? apiKey, IHttpClientFactory httpClients, TimeProvider clock, string clientName)
    {
        HttpClient Http()
        {
            var client = httpClients.CreateClient(clientName);
            client.Timeout = provider.Timeout;
            return client;
        }

        return provider.Kind switch
        {
            ProviderKind.Echo => new EchoChatCompletionService(provider, clock),
            ProviderKind.OpenAI => provider.Endpoint is { } endpoint
                ? new OpenAIChatCompletionService(model, endpoint, apiKey, httpClient: Http())
                : new OpenAIChatCompletionService(model, apiKey!, httpClient: Http()),
            ProviderKind.AzureOpenAI => new AzureOpenAIChatCompletionService(
                deploymentName: model, endpoint: provider.Endpoint!.ToString(), apiKey: apiKey!, httpClient: Http()),
            // Local servers (vLLM, llama.cpp, LM Studio, Ollama's /v1) often need no key, but the client insists on one;
            // the same placeholder is what CredentialPipelines recognises as the server's credential.
            ProviderKind.OpenAICompatible => new OpenAIChatCompletionService(
                model, provider.Endpoint!, string.IsNullOrEmpty(apiKey) ? CredentialPipelines.UnusedKey : apiKey, httpClient: Http()),
            ProviderKind.Ollama => ((IChatClient)new AbortableOllamaApiClient(ForOllama(Http(), provider), model)).AsChatCompletionService(),
            _ => throw new InvalidOperationException($"Provider {name} has an unknown kind."),
        };
    }

    private static HttpClient ForOllama(HttpClient client, ProviderOptions provider)
    {
        // OllamaSharp resolves "api/chat" against the base address: without a trailing slash, a proxied
        // "https://host/ollama" would lose its last segment.
        var endpoint = provider.Endpoint!.ToString();
        client.BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        // Ollama itself takes no key, but the proxies and hosted services in front of it take a bearer token.
        if (!string.IsNullOrEmpty(provider.ApiKey))
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        return client;
    }
}
