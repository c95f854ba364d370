using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Data.Tests;

/// <summary>A connection the server opens on SQLite waits in SQLite for another writer's lock, and commits to the write-ahead log.</summary>
public sealed class SqliteConnectionSettingsTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"llmplatform-pragmas-{Guid.NewGuid():N}.db");
    private IHost? _host;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Sqlite", $"Data Source={_path}"), new("Data:SqliteBusyTimeout", "00:00:07")]);
        builder.AddData();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host!.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
    }

    [Fact]
    public async Task ServerConnection_HasWalSynchronousNormalAndTheConfiguredBusyTimeout()
    {
        await using var db = await _host!.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await PragmaAsync(connection, "journal_mode"));
        Assert.Equal("7000", await PragmaAsync(connection, "busy_timeout"));
        Assert.Equal("1", await PragmaAsync(connection, "synchronous")); // 1 is NORMAL
    }

    [Fact]
    public async Task PooledConnection_OpenedAgain_KeepsItsSettings()
    {
        var contexts = _host!.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        for (var i = 0; i < 3; i++)
        {
            // Each context opens and closes its connection: the second and third get the pooled one back.
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            Assert.Equal("7000", await PragmaAsync(connection, "busy_timeout"));
            Assert.Equal("1", await PragmaAsync(connection, "synchronous"));
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<string?> PragmaAsync(DbConnection connection, string pragma)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
