using Microsoft.Data.Sqlite;
using Npgsql;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>A throwaway database for one test class: a SQLite file, or a fresh database on the test PostgreSQL.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LLMPLATFORM_TEST_POSTGRES";

    /// <summary>The configuration key and value that point the server at this database.</summary>
    public abstract KeyValuePair<string, string?> ConnectionSetting { get; }

    public abstract string Name { get; }

    public abstract ValueTask DisposeAsync();

    public static TestDatabase CreateSqlite() => new SqliteTestDatabase();

    /// <summary>The same database for another server, which must not drop it when it stops: its owner does.</summary>
    public static TestDatabase Borrow(TestDatabase owner) => new BorrowedTestDatabase(owner);

    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            // Never a silent skip: PostgreSQL is part of the suite. ./test.sh starts one and sets the variable.
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run ./test.sh, which starts a throwaway PostgreSQL, " +
                $"or set {PostgresVariable} to a connection string of a server where the tests may create databases.");
        }
        return await CreatePostgresAsync(admin);
    }

    /// <summary>A fresh database on the server of <paramref name="admin"/> (a role that may create databases).</summary>
    public static async Task<TestDatabase> CreatePostgresAsync(string admin)
    {
        var name = "llmplatform_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresTestDatabase(admin, name);
    }

    private sealed class SqliteTestDatabase : TestDatabase
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"llmplatform-test-{Guid.NewGuid():N}.db");

        public override string Name => "SQLite";

        public override KeyValuePair<string, string?> ConnectionSetting => new("ConnectionStrings:Sqlite", $"Data Source={_path}");

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Delete(_path + suffix);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class BorrowedTestDatabase(TestDatabase owner) : TestDatabase
    {
        public override KeyValuePair<string, string?> ConnectionSetting => owner.ConnectionSetting;

        public override string Name => owner.Name;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class PostgresTestDatabase(string admin, string name) : TestDatabase
    {
        public override string Name => "PostgreSQL";

        public override KeyValuePair<string, string?> ConnectionSetting =>
            new("ConnectionStrings:Postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
