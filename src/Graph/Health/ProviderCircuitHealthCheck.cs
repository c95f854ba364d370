using System.Globalization;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmPlatform.Graph.Health;

/// <summary>
/// Degraded (still ready: other providers serve) while a provider's server-key circuit is open, naming each such
/// provider and when it is tried again. Read from the breakers themselves; no error text, as anyone may ask.
/// </summary>
internal sealed class ProviderCircuitHealthCheck(ProviderRegistry providers, CredentialPipelines pipelines) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var open = providers.All
            .Select(p => (p.Name, Until: pipelines.BreakerFor(p, userKey: null)?.OpenedUntil))
            .Where(p => p.Until is not null)
            .Select(p => $"{p.Name} circuit open until {p.Until!.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}")
            .ToList();
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy("every provider's circuit is closed")
            : HealthCheckResult.Degraded(string.Join("; ", open)));
    }
}
