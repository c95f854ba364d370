using LlmPlatform.Llm.Generation.Redis;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Generation;

public static class GenerationStreamServiceCollectionExtensions
{
    /// <summary>
    /// The generation event stream and signals (settings in <c>Llm:Generation</c>): over Redis, shared by every instance,
    /// when <c>ConnectionStrings:Redis</c> is set; else in memory.
    /// </summary>
    public static IHostApplicationBuilder AddGenerationStreams(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<GenerationStreamOptions>().BindConfiguration(GenerationStreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.AddRedisConnection())
        {
            services.AddSingleton<IGenerationEventStream, RedisGenerationEventStream>();
            services.AddSingleton<IGenerationSignals, RedisGenerationSignals>();
        }
        else
        {
            services.AddSingleton<IGenerationEventStream, InMemoryGenerationEventStream>();
            services.AddSingleton<IGenerationSignals, InMemoryGenerationSignals>();
        }
        return builder;
    }
}
