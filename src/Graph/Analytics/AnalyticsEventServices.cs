using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

public static class AnalyticsEventServices
{
    /// <summary>
    /// Product events (section <c>Analytics:Events</c>): what the fields resolve with, and the per-caller limit, counted
    /// in Redis (shared by every instance) when <c>ConnectionStrings:Redis</c> is set, else in memory.
    /// </summary>
    public static IHostApplicationBuilder AddAnalyticsEvents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AnalyticsEventOptions>().BindConfiguration(AnalyticsEventOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new AnalyticsEventRules(sp.GetRequiredService<IOptions<AnalyticsEventOptions>>().Value));
        if (builder.AddRedisConnection())
            services.AddSingleton<IEventRateLimiter, RedisEventRateLimiter>();
        else
            services.AddSingleton<IEventRateLimiter, InMemoryEventRateLimiter>();
        services.AddSingleton<AnalyticsEventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyticsEventWriter>());
        services.AddScoped<AnalyticsEventCommands>();
        services.AddScoped<AnalyticsEventReader>();
        services.AddScoped<EventCountReader>();
        return builder;
    }
}
