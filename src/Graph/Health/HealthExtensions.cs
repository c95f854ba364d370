using System.Text;
using LlmPlatform.Data;
using LlmPlatform.Llm.Redis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmPlatform.Graph.Health;

public static class HealthExtensions
{
    private const string Ready = "ready";
    private const string Leader = "leader";

    /// <summary>
    /// The readiness checks: the database, Redis when <c>ConnectionStrings:Redis</c> is set, and the providers' circuits
    /// (an open one degrades readiness, answered with 200 and a line naming it, since other providers still serve).
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var checks = builder.Services.AddHealthChecks().AddDbContextCheck<PlatformDbContext>("database", tags: [Ready]);
        if (builder.AddRedisConnection())
            checks.AddCheck<RedisHealthCheck>("redis", tags: [Ready]);
        checks.AddCheck<ProviderCircuitHealthCheck>("providers", tags: [Ready]);
        checks.AddCheck<WorkerLeaderHealthCheck>("worker", tags: [Leader]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers (restart it if not). <c>/health/ready</c>: it can serve,
    /// its database (and Redis) included (send it traffic only if so); when not, each failing check on a line of its own.
    /// <c>/health/leader</c>: 200 on the one instance that runs the background worker's jobs, 503 on the others
    /// (for operators and tests, not a load balancer's probe).
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteStatusAndFailuresAsync,
        });
        endpoints.MapHealthChecks("/health/leader", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Leader),
            ResponseWriter = WriteStatusAndFailuresAsync,
        });
        return endpoints;
    }

    // Our own descriptions only, never exception messages: the endpoint answers anyone who can reach it.
    private static Task WriteStatusAndFailuresAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
            text.Append('\n').Append(name).Append(": ").Append(entry.Description ?? entry.Status.ToString());
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text.ToString());
    }
}
