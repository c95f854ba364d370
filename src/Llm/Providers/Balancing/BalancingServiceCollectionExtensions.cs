using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Providers.Balancing;

public static class BalancingServiceCollectionExtensions
{
    /// <summary>
    /// Load balancing over providers' deployments; cool-downs shared through Redis when <c>ConnectionStrings:Redis</c>
    /// is set, else kept in this instance's memory.
    /// </summary>
    public static IHostApplicationBuilder AddDeploymentBalancing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<MemoryDeploymentCoolDowns>();
        if (builder.AddRedisConnection())
            services.AddSingleton<IDeploymentCoolDowns, RedisDeploymentCoolDowns>();
        else
            services.AddSingleton<IDeploymentCoolDowns>(sp => sp.GetRequiredService<MemoryDeploymentCoolDowns>());
        services.AddSingleton<DeploymentBalancer>();
        services.AddSingleton<DeploymentTargets>();
        return builder;
    }
}
