using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// The background worker (section <c>Worker</c>): registered <see cref="IWorkerJob"/>s run on one instance, the
    /// holder of a lock in Redis when <c>ConnectionStrings:Redis</c> is set, else of a PostgreSQL advisory lock on
    /// PostgreSQL, else on this instance alone (SQLite).
    /// </summary>
    public static IHostApplicationBuilder AddWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WorkerLeadership>();
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        if (builder.AddRedisConnection())
            services.AddSingleton(sp => LeaderLock.InRedis(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<WorkerOptions>>().Value));
        else if (!string.IsNullOrWhiteSpace(postgres))
            services.AddSingleton(LeaderLock.InPostgres(postgres));
        else
            services.AddSingleton(LeaderLock.InProcess());
        services.AddHostedService<LeaderWorker>();
        return builder;
    }

    /// <summary>Adds a job to the background worker.</summary>
    public static IServiceCollection AddWorkerJob<TJob>(this IServiceCollection services) where TJob : class, IWorkerJob =>
        services.AddSingleton<IWorkerJob, TJob>();
}
