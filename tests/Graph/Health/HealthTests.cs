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
        Assert.Equal(["Unhealthy", "database: Unhealthy"], (await ready.Content.ReadAsStringAsync()).Split('\n'));

        using var live = await server.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}

/// <summary>
/// A server whose Redis is a test's own: ready while Redis answers, 503 naming Redis as soon as it does not (within
/// <c>Health:RedisTimeout</c>), ready again once it is back.
/// </summary>
public sealed class HealthWithRedisTests
{
    [Fact]
    public async Task Ready_RedisStopped_Is503NamingRedis_AndReadyAgainWhenItIsBack()
    {
        await using var redis = await OwnRedisServer.StartAsync();
        await using var servers = await TestServers.Sqlite()
            .With("ConnectionStrings:Redis", redis.ConnectionString).With("Health:RedisTimeout", "00:00:01").StartAsync();
        var client = servers[0].Client;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await redis.StopAsync();
        using var down = await client.GetAsync("/health/ready");
        var body = await down.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.StartsWith("Unhealthy\nredis: Redis did not answer a PING", body, StringComparison.Ordinal);
        Assert.DoesNotContain("database", body, StringComparison.Ordinal);

        await redis.StartAgainAsync();
        // The client reconnects in the background, on its own schedule: wait for it, boundedly.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await client.GetAsync("/health/ready", patience.Token)).StatusCode != HttpStatusCode.OK)
            await Task.Delay(200, patience.Token);
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
