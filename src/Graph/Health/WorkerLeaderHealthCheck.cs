using LlmPlatform.Llm.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmPlatform.Graph.Health;

/// <summary>Healthy on the instance that leads the background worker, Unhealthy on the others.</summary>
internal sealed class WorkerLeaderHealthCheck(WorkerLeadership leadership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(leadership.IsLeader
            ? HealthCheckResult.Healthy("leads the background worker")
            : new HealthCheckResult(context.Registration.FailureStatus, "does not lead the background worker"));
}
