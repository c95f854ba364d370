using LlmPlatform.Graph.Tests.Infrastructure;
using Npgsql;

namespace LlmPlatform.Graph.Tests.Commands;

/// <summary>
/// <c>dotnet LlmPlatform.Graph.dll migrate</c> as a deployment runs it, in a process of its own: it migrates a fresh
/// database and exits 0, after which a server that does not migrate serves on it; it fails with a reason, non-zero.
/// </summary>
public sealed class MigrateCommandTests
{
    private const string CountPersonas = "{ personas(first: 100) { totalCount } }";

    [Fact]
    public async Task Migrate_FreshPostgresDatabase_Exits0AndAServerThatDoesNotMigrateServesOnIt()
    {
        await using var database = await TestDatabase.CreatePostgresAsync();

        var (exitCode, output) = await ServerProcess.RunToEndAsync(Settings(database.ConnectionSetting), "migrate");

        Assert.True(exitCode == 0, output);
        await AssertServedWithoutMigratingAsync(database);
    }

    [Fact]
    public async Task Migrate_NewSqliteFile_Exits0AndAServerThatDoesNotMigrateServesOnIt()
    {
        await using var database = TestDatabase.CreateSqlite();

        var (exitCode, output) = await ServerProcess.RunToEndAsync(Settings(database.ConnectionSetting), "migrate");

        Assert.True(exitCode == 0, output);
        await AssertServedWithoutMigratingAsync(database);
    }

    [Fact]
    public async Task Migrate_TwiceOnTheSameDatabase_SecondRunAppliesNothingAndExits0()
    {
        await using var database = TestDatabase.CreateSqlite();
        var settings = Settings(database.ConnectionSetting);
        Assert.Equal(0, (await ServerProcess.RunToEndAsync(settings, "migrate")).ExitCode);

        var (exitCode, output) = await ServerProcess.RunToEndAsync(settings, "migrate");

        Assert.True(exitCode == 0, output);
        Assert.Contains("0 migration(s) applied", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_PostgresUnreachable_ExitsNonZeroSayingWhy()
    {
        var (exitCode, output) = await ServerProcess.RunToEndAsync(
            Settings(new("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2")), "migrate");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("migrate failed:", output, StringComparison.Ordinal);
    }

    /// <summary>The README's two ways to give the application's role what migrating needs, on an existing database.</summary>
    [Theory]
    [InlineData("ALTER DATABASE {db} OWNER TO {role}")]
    [InlineData("GRANT CONNECT ON DATABASE {db} TO {role}; GRANT USAGE, CREATE ON SCHEMA public TO {role}")]
    public async Task Migrate_RoleWithTheDocumentedPrivilegesOnAnExistingDatabase_Exits0(string grants)
    {
        // Disposed in reverse: the database, with the tables the role owns, before the role.
        await using var role = await TestRole.CreateAsync(createDatabase: false);
        await using var database = await TestDatabase.CreatePostgresAsync();
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionSetting.Value).Database!;
        await role.RunAsAdminAsync(name, grants.Replace("{db}", $"\"{name}\"", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunToEndAsync(Settings(new("ConnectionStrings:Postgres", role.ConnectionString(name))), "migrate");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Migrate_RoleWithoutCreateDbOnAMissingDatabase_ExitsNonZeroWithPostgresReason()
    {
        await using var role = await TestRole.CreateAsync(createDatabase: false);

        var (exitCode, output) = await ServerProcess.RunToEndAsync(
            Settings(new("ConnectionStrings:Postgres", role.ConnectionString("llmplatform_missing_" + Guid.NewGuid().ToString("N")[..8]))), "migrate");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("permission denied to create database", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_RoleWithCreateDbOnAMissingDatabase_CreatesItAndExits0()
    {
        await using var role = await TestRole.CreateAsync(createDatabase: true);
        var name = "llmplatform_created_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var (exitCode, output) = await ServerProcess.RunToEndAsync(Settings(new("ConnectionStrings:Postgres", role.ConnectionString(name))), "migrate");

            Assert.True(exitCode == 0, output);
        }
        finally
        {
            await role.RunAsAdminAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static Dictionary<string, string?> Settings(KeyValuePair<string, string?> connection) => new() { [connection.Key] = connection.Value };

    private static async Task AssertServedWithoutMigratingAsync(TestDatabase database)
    {
        await using var servers = await TestServers.On(database).With("Data:MigrateOnStartup", "false").StartAsync();
        var result = await servers[0].PostGraphQLAsync(CountPersonas);
        Assert.Null(result["errors"]);
        // The five built-in personas, which the migrations seed.
        Assert.Equal(5, result["data"]!["personas"]!["totalCount"]!.GetValue<int>());
    }

    /// <summary>A login role of the test PostgreSQL that is no superuser, dropped afterwards.</summary>
    private sealed class TestRole : IAsyncDisposable
    {
        private readonly string _admin;

        private TestRole(string admin, string name) => (_admin, Name) = (admin, name);

        public string Name { get; }

        public static async Task<TestRole> CreateAsync(bool createDatabase)
        {
            var admin = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)
                ?? throw new InvalidOperationException($"{TestDatabase.PostgresVariable} is not set; run ./test.sh.");
            var role = new TestRole(admin, "llmplatform_app_" + Guid.NewGuid().ToString("N")[..8]);
            await role.RunAsAdminAsync("postgres", $"CREATE ROLE \"{role.Name}\" LOGIN PASSWORD 'app-secret' {(createDatabase ? "CREATEDB" : "NOCREATEDB")}");
            return role;
        }

        public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(_admin)
        {
            Database = database,
            Username = Name,
            Password = "app-secret",
        }.ConnectionString;

        public async Task RunAsAdminAsync(string database, string sql)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Database = database }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql.Replace("{role}", $"\"{Name}\"", StringComparison.Ordinal), connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            // Objects it owns in databases that are dropped anyway go with them; REASSIGN/DROP OWNED is per database.
            await RunAsAdminAsync("postgres", $"DROP ROLE IF EXISTS \"{Name}\"");
        }
    }
}
