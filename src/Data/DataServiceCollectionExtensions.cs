using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Data;

public static class DataServiceCollectionExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=llmplatform.db";

    /// <summary>
    /// Registers the platform's database: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set,
    /// else SQLite (<c>ConnectionStrings:Sqlite</c>, default a file beside the working directory).
    /// Code asks for <see cref="IDbContextFactory{PlatformDbContext}"/> or a scoped <see cref="PlatformDbContext"/>.
    /// Every <see cref="IInterceptor"/> registered as a service is attached (telemetry, tests counting statements).
    /// </summary>
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var postgres = builder.Configuration.GetConnectionString("Postgres");
        var data = builder.Configuration.GetSection(DataOptions.Section).Get<DataOptions>() ?? new DataOptions();
        var poolSize = data.PoolSize;
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddPooledDbContextFactory<PostgresPlatformDbContext>((sp, o) => o
                .UseNpgsql(postgres, npgsql => RetryTransientFailures(npgsql, data))
                .AddInterceptors(sp.GetServices<IInterceptor>()), poolSize);
            services.AddPlatformContext<PostgresPlatformDbContext>(DatabaseKind.Postgres);
        }
        else
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? DefaultSqliteConnectionString;
            var settings = new SqliteConnectionSettings(data.SqliteBusyTimeout);
            services.AddPooledDbContextFactory<SqlitePlatformDbContext>((sp, o) => o.UseSqlite(sqlite)
                .AddInterceptors(sp.GetServices<IInterceptor>().Prepend(settings)), poolSize);
            services.AddPlatformContext<SqlitePlatformDbContext>(DatabaseKind.Sqlite);
        }

        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator>());
        return builder;
    }

    // After PostgreSQL restarts, every pooled connection is dead, and the first command on each fails once; retried,
    // it runs on a new connection. Code that opens a transaction itself must run it inside the execution strategy.
    private static void RetryTransientFailures(Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder npgsql, DataOptions data)
    {
        if (data.MaxRetryCount > 0)
            npgsql.EnableRetryOnFailure(data.MaxRetryCount, data.MaxRetryDelay, errorCodesToAdd: [AdminShutdown, CrashShutdown]);
    }

    // What a restarting server leaves on the connections it had: not transient to Npgsql, but a new connection succeeds.
    private const string AdminShutdown = "57P01";
    private const string CrashShutdown = "57P02";

    private static void AddPlatformContext<TContext>(this IServiceCollection services, DatabaseKind kind)
        where TContext : PlatformDbContext
    {
        services.AddSingleton(new DatabaseInfo(kind));
        services.AddSingleton<IDbContextFactory<PlatformDbContext>, PlatformDbContextFactory<TContext>>();
        services.AddScoped<PlatformDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    private sealed class PlatformDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PlatformDbContext>
        where TContext : PlatformDbContext
    {
        public PlatformDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PlatformDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }

    internal static bool ShouldMigrate(this IOptions<DataOptions> options, DatabaseInfo database) =>
        options.Value.MigrateOnStartup ?? database.Kind == DatabaseKind.Sqlite;
}

/// <summary>The database this host talks to.</summary>
public sealed record DatabaseInfo(DatabaseKind Kind);
