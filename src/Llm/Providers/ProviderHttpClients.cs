using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Llm.Providers;

/// <summary>
/// The named HTTP client of each configured provider (<see cref="ProviderRegistry.HttpClientName"/>), with its
/// resilience pipeline (<see cref="CredentialPipelines"/>): retries that honour Retry-After, a circuit breaker, and a
/// per-attempt timeout, one pipeline per credential.
/// </summary>
/// <remarks>
/// The pipeline wraps <c>SendAsync</c>, which returns as soon as the response headers are in (the connectors
/// stream), so everything here happens before the reply starts: a call is retried only while the provider has
/// sent no reply, never after a token went out, and the attempt timeout bounds the wait for headers, not the
/// streamed body (the generation's <c>ProviderIdleTimeout</c> watches that). The connectors add no retries or
/// timeouts of their own (given an HttpClient, Semantic Kernel sets the OpenAI client's retries to 0 and its network
/// timeout to infinite; OllamaSharp has none), so one generation makes at most
/// 1 + <see cref="ProviderResilienceOptions.MaxRetries"/> calls, and <see cref="ProviderOptions.Timeout"/> (the
/// HttpClient's) bounds them all together.
/// </remarks>
internal static class ProviderHttpClients
{
    public static IServiceCollection AddProviderHttpClients(this IServiceCollection services, IConfiguration configuration)
    {
        var providers = configuration.GetSection(LlmOptions.Section).GetSection(nameof(LlmOptions.Providers));
        foreach (var provider in providers.GetChildren())
        {
            var name = provider.Key;
            // The pipeline is chosen per request by the credential it carries: one breaker per key, not per provider.
            Add(services, ProviderRegistry.HttpClientName(name), (pipelines, request) => pipelines.For(name, request));
            // Each deployment calls through a client of its own, so that its breaker is its own.
            foreach (var deployment in provider.GetSection(nameof(ProviderOptions.Deployments)).GetChildren()
                .Select(d => d[nameof(ProviderDeploymentOptions.Name)]).OfType<string>())
                Add(services, ProviderRegistry.HttpClientName(name, deployment), (pipelines, _) => pipelines.DeploymentBreaker(name, deployment).Pipeline);
        }
        return services;
    }

    private static void Add(IServiceCollection services, string clientName, Func<CredentialPipelines, HttpRequestMessage, Polly.ResiliencePipeline<HttpResponseMessage>> pipeline) =>
        services.AddHttpClient(clientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The connectors keep their HttpClient for the life of the process, so the factory never rotates
                // its handler: let the connection pool retire connections instead (DNS changes, load balancers).
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // A reply disposed before its end (a cancelled generation) closes its connection at once. The
                // default drains it for up to 2 s to reuse the connection, and all that while the provider keeps
                // generating, and billing, tokens nobody reads.
                MaxResponseDrainSize = 0,
            })
            // Keys travel in headers (Authorization, api-key): no header value is ever logged. The factory's
            // default since .NET 8, said here so that turning on header logging to debug cannot leak a key.
            .RedactLoggedHeaders(_ => true)
            .AddHttpMessageHandler(provider => new ResilienceHandler(
                request => pipeline(provider.GetRequiredService<CredentialPipelines>(), request)));
}
