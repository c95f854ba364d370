using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Limits;

public static class RateLimitServiceCollectionExtensions
{
    /// <summary>
    /// Per-caller limits on generations (section <c>Llm:RateLimits</c>): counted in Redis, shared by every instance,
    /// when <c>ConnectionStrings:Redis</c> is set; else in memory.
    /// </summary>
    public static IHostApplicationBuilder AddGenerationRateLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.AddRedisConnection())
            services.AddSingleton<IGenerationRateLimiter, RedisGenerationRateLimiter>();
        else
            services.AddSingleton<IGenerationRateLimiter, InMemoryGenerationRateLimiter>();
        return builder;
    }
}
