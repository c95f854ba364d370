using System.Globalization;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmPlatform.Graph.Health;

/// <summary>
/// Degraded (still ready: other providers serve) while a provider's server-key circuit (or one of its deployments') is
/// open, naming each such provider (<c>provider/deployment</c>) and when it is tried again. Read from the breakers themselves; no error text, as anyone may ask.
/// </summary>
internal sealed class ProviderCircuitHealthCheck(ProviderRegistry providers, CredentialPipelines pipelines) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var open = providers.All
            .SelectMany(p => pipelines.ServerBreakers(p).Select(b => (Name: b.Deployment is null ? p.Name : $"{p.Name}/{b.Deployment}", Until: b.Breaker.OpenedUntil)))
            .Where(p => p.Until is not null)
            .Select(p => $"{p.Name} circuit open until {p.Until!.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}")
            .ToList();
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy("every provider's circuit is closed")
            : HealthCheckResult.Degraded(string.Join("; ", open)));
    }
}
