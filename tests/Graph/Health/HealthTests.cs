using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Health;

public abstract class HealthTests(PlatformServer server)
{
    [Fact]
    public async Task Live_RunningServer_Is200Healthy()
    {
        using var response = await server.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_DatabaseReachable_Is200Healthy()
    {
        using var response = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}

public sealed class HealthOnSqliteTests(SqliteServer server) : HealthTests(server), IClassFixture<SqliteServer>;

public sealed class HealthOnPostgresTests(PostgresServer server) : HealthTests(server), IClassFixture<PostgresServer>;

public sealed class HealthWithoutDatabaseTests(UnreachableDatabaseServer server) : IClassFixture<UnreachableDatabaseServer>
{
    [Fact]
    public async Task Ready_DatabaseUnreachable_Is503ButLiveStays200()
    {
        using var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());

        using var live = await server.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}

/// <summary>A server whose PostgreSQL is down (nothing listens on the port), so start-up must not migrate.</summary>
public sealed class UnreachableDatabaseServer : PlatformServer
{
    public UnreachableDatabaseServer() => Set("Data:MigrateOnStartup", "false");

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult<TestDatabase>(new Unreachable());

    private sealed class Unreachable : TestDatabase
    {
        public override string Name => "unreachable PostgreSQL";

        // Port 1 on loopback: connections are refused at once.
        public override KeyValuePair<string, string?> ConnectionSetting =>
            new("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2");

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
