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
        var poolSize = builder.Configuration.GetSection(DataOptions.Section).Get<DataOptions>()?.PoolSize ?? new DataOptions().PoolSize;
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddPooledDbContextFactory<PostgresPlatformDbContext>((sp, o) => o.UseNpgsql(postgres).AddInterceptors(sp.GetServices<IInterceptor>()), poolSize);
            services.AddPlatformContext<PostgresPlatformDbContext>(DatabaseKind.Postgres);
        }
        else
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? DefaultSqliteConnectionString;
            services.AddPooledDbContextFactory<SqlitePlatformDbContext>((sp, o) => o.UseSqlite(sqlite).AddInterceptors(sp.GetServices<IInterceptor>()), poolSize);
            services.AddPlatformContext<SqlitePlatformDbContext>(DatabaseKind.Sqlite);
        }

        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator>());
        return builder;
    }

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
