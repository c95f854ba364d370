using LlmPlatform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>A host with the data layer alone, on a new SQLite file or a new database of the test PostgreSQL, migrated.</summary>
public sealed class UsageDatabaseHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Func<ValueTask> _drop;

    private UsageDatabaseHost(IHost host, Func<ValueTask> drop) => (_host, _drop) = (host, drop);

    public IDbContextFactory<PlatformDbContext> Contexts => _host.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();

    public static async Task<UsageDatabaseHost> StartAsync(string database)
    {
        var builder = Host.CreateApplicationBuilder();
        Func<ValueTask> drop;
        if (database == "SQLite")
        {
            var path = Path.Combine(Path.GetTempPath(), $"llmplatform-rollups-{Guid.NewGuid():N}.db");
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Sqlite", $"Data Source={path}")]);
            drop = () => { SqliteConnection.ClearAllPools(); File.Delete(path); return ValueTask.CompletedTask; };
        }
        else
        {
            var admin = Environment.GetEnvironmentVariable("LLMPLATFORM_TEST_POSTGRES")
                ?? throw new InvalidOperationException("LLMPLATFORM_TEST_POSTGRES is not set: run ./test.sh, which starts a throwaway PostgreSQL.");
            var name = "llmplatform_rollups_" + Guid.NewGuid().ToString("N")[..12];
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString)]);
            drop = async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            };
        }
        builder.Configuration.AddInMemoryCollection([new("Data:MigrateOnStartup", "true")]);
        builder.AddData();
        var host = builder.Build();
        await host.StartAsync();
        return new UsageDatabaseHost(host, drop);
    }

    public async Task WriteAsync(Action<PlatformDbContext> write)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        write(db);
        await db.SaveChangesAsync();
    }

    public async Task<T> ReadAsync<T>(Func<PlatformDbContext, Task<T>> read)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await read(db);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _drop();
    }
}
