using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Caching;

public static class ResponseCacheServiceCollectionExtensions
{
    /// <summary>
    /// The response cache (section <c>Llm:Cache</c>): in Redis, shared by every instance, when
    /// <c>ConnectionStrings:Redis</c> is set; else in this instance's memory.
    /// </summary>
    public static IHostApplicationBuilder AddResponseCache(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ResponseCacheOptions>().BindConfiguration(ResponseCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.AddRedisConnection())
            services.AddSingleton<IResponseCacheStore, RedisResponseCacheStore>();
        else
            services.AddSingleton<IResponseCacheStore, MemoryResponseCacheStore>();
        services.AddSingleton<ResponseCache>();
        return builder;
    }
}
