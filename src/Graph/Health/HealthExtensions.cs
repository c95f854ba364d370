using LlmPlatform.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LlmPlatform.Graph.Health;

public static class HealthExtensions
{
    private const string Ready = "ready";

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddDbContextCheck<PlatformDbContext>("database", tags: [Ready]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers (restart it if not). <c>/health/ready</c>: it can serve,
    /// its database included (send it traffic only if so).
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return endpoints;
    }
}
