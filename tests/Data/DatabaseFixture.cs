using LlmPlatform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LlmPlatform.Data.Tests;

/// <summary>A freshly migrated throwaway database, SQLite or PostgreSQL, and contexts on it.</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    public abstract PlatformDbContext CreateContext();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

public sealed class SqliteDatabase : DatabaseFixture
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"llmplatform-data-{Guid.NewGuid():N}.db");

    public override PlatformDbContext CreateContext() =>
        new SqlitePlatformDbContext(new DbContextOptionsBuilder<SqlitePlatformDbContext>().UseSqlite($"Data Source={_path}").Options);

    public override async Task InitializeAsync()
    {
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
        return Task.CompletedTask;
    }
}

public sealed class PostgresDatabase : DatabaseFixture
{
    private const string Variable = "LLMPLATFORM_TEST_POSTGRES";
    private readonly string _name = "llmplatform_data_" + Guid.NewGuid().ToString("N")[..12];
    private string _admin = "";

    public override PlatformDbContext CreateContext() =>
        new PostgresPlatformDbContext(new DbContextOptionsBuilder<PostgresPlatformDbContext>()
            .UseNpgsql(new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString).Options);

    public override async Task InitializeAsync()
    {
        // Never a silent skip: ./test.sh starts a throwaway PostgreSQL and sets the variable.
        _admin = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } admin
            ? admin
            : throw new InvalidOperationException($"{Variable} is not set. Run ./test.sh, or point {Variable} at a PostgreSQL where tests may create databases.");
        await using var db = CreateContext();
        // MigrateAsync creates the database itself.
        await db.Database.MigrateAsync();
    }

    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
