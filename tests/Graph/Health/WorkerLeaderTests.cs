using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Health;

/// <summary>
/// Two instances, each a process of its own, on one PostgreSQL database: exactly one leads the background worker
/// (<c>/health/leader</c> answers 200 there, 503 on the other); when the leader is killed with SIGKILL, the other takes
/// over within <c>Worker:LeaseDuration</c> + <c>Worker:AcquireInterval</c>. Leadership is a PostgreSQL advisory lock,
/// or a lock in Redis when Redis is configured.
/// </summary>
public sealed class WorkerLeaderTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AcquireInterval = TimeSpan.FromMilliseconds(500);

    // Room for the process to be seen dead and for our polling, on a busy machine; the bound itself is the settings'.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("PostgreSQL advisory lock")]
    [InlineData("Redis")]
    public async Task LeaderKilled_TheOtherInstanceLeadsWithinTheLease(string leadership)
    {
        var build = TestServers.Postgres()
            .With("Worker:Enabled", "true")
            .With("Worker:LeaseDuration", LeaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
            .With("Worker:AcquireInterval", AcquireInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
            .Instances(2);
        if (leadership == "Redis")
            build.WithRedis();
        await using var processes = await build.StartProcessesAsync();

        var leader = await OneLeaderAsync(processes[0], processes[1]);
        var other = leader == processes[0] ? processes[1] : processes[0];
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await LeaderStatusAsync(other));

        await leader.KillAsync();

        try
        {
            await UntilLeadsAsync(other, LeaseDuration + AcquireInterval + Slack);
        }
        catch (OperationCanceledException)
        {
            var locks = new System.Text.StringBuilder();
            if (leadership != "Redis")
            {
                await using var connection = new Npgsql.NpgsqlConnection(processes.Resources.Settings["ConnectionStrings:Postgres"]);
                await connection.OpenAsync();
                await using var command = new Npgsql.NpgsqlCommand("SELECT l.pid, l.granted, a.state, a.query, a.backend_start, a.client_port, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                        locks.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "null" : reader.GetValue(i)).Append(' ');
                    locks.AppendLine();
                }
            }
            Assert.Fail($"The other instance did not take over. Advisory locks:\n{locks}");
        }
    }

    private static async Task<ServerProcess> OneLeaderAsync(ServerProcess a, ServerProcess b)
    {
        using var patience = new CancellationTokenSource(AcquireInterval + Slack);
        while (true)
        {
            var (onA, onB) = (await LeaderStatusAsync(a), await LeaderStatusAsync(b));
            Assert.False(onA == HttpStatusCode.OK && onB == HttpStatusCode.OK, "both instances lead");
            if (onA == HttpStatusCode.OK || onB == HttpStatusCode.OK)
                return onA == HttpStatusCode.OK ? a : b;
            await Task.Delay(100, patience.Token);
        }
    }

    private static async Task UntilLeadsAsync(ServerProcess server, TimeSpan within)
    {
        using var patience = new CancellationTokenSource(within);
        while (await LeaderStatusAsync(server) != HttpStatusCode.OK)
            await Task.Delay(100, patience.Token);
    }

    private static async Task<HttpStatusCode> LeaderStatusAsync(ServerProcess server)
    {
        using var response = await server.Client.GetAsync("/health/leader");
        return response.StatusCode;
    }
}
