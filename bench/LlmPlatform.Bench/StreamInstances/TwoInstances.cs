using System.Globalization;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.StreamInstances;

/// <summary>
/// Two instances of the real app (A and B, each its own process on the servers' CPUs) on one PostgreSQL and one Redis,
/// configured as the README's "Several instances" asks: the same database, Redis and token certificates, one
/// <c>Auth:Issuer</c>, no migration at start (<see cref="MigrateAsync"/> runs the one-shot command first), and a
/// generation kept running while unwatched for longer than any run. Disposing stops both.
/// </summary>
public sealed class TwoInstances : IDisposable
{
    private TwoInstances(ChildProcess a, int aPort, ChildProcess b, int bPort)
    {
        A = a;
        B = b;
        AHttp = Url("http", aPort);
        AWebSocket = Url("ws", aPort);
        BWebSocket = Url("ws", bPort);
    }

    public ChildProcess A { get; }

    public ChildProcess B { get; }

    public Uri AHttp { get; }

    public Uri AWebSocket { get; }

    public Uri BWebSocket { get; }

    /// <summary><c>dotnet LlmPlatform.Graph.dll migrate</c>, once, as a deployment runs it before its instances start.</summary>
    public static async Task MigrateAsync(
        ServerSettings settings, DirectoryInfo workDirectory, ThrowawayBackends backends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var migrate = ChildProcess.Start(
            "migrate", [Paths.DotnetHost, settings.GraphQLDll, "migrate"], workingDirectory: Path.GetDirectoryName(settings.GraphQLDll),
            environment: Environment(settings, workDirectory, backends, issuer: "http://127.0.0.1/"));
        if (await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken) != 0)
            throw new BenchmarkFailedException($"migrate failed.\n{migrate.Output()}");
    }

    public static async Task<TwoInstances> StartAsync(
        ServerSettings settings, DirectoryInfo workDirectory, ThrowawayBackends backends, IReadOnlyList<string> graphArguments, string? cpus,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var aPort = Orchestration.FreePort();
        var bPort = Orchestration.FreePort();
        // One issuer for both, as behind a load balancer: a token from either validates on the other.
        var environment = Environment(settings, workDirectory, backends, issuer: $"http://127.0.0.1:{aPort.ToString(CultureInfo.InvariantCulture)}/");
        ChildProcess Start(string name, int port) => ChildProcess.Start(
            name, [Paths.DotnetHost, settings.GraphQLDll, "--urls", $"http://127.0.0.1:{port}", .. graphArguments], cpus,
            Path.GetDirectoryName(settings.GraphQLDll), environment);
        // One after the other: two instances starting at the same moment race to register the OpenIddict clients in
        // the shared database, and the loser stops with a unique-key violation (IX_OpenIddictApplications_ClientId).
        var a = Start("instance A", aPort);
        ChildProcess? b = null;
        try
        {
            await Orchestration.WaitUntilReadyAsync(a, $"http://127.0.0.1:{aPort}/health/ready", cancellationToken);
            b = Start("instance B", bPort);
            await Orchestration.WaitUntilReadyAsync(b, $"http://127.0.0.1:{bPort}/health/ready", cancellationToken);
            return new TwoInstances(a, aPort, b, bPort);
        }
        catch
        {
            a.Dispose();
            b?.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string?> Environment(
        ServerSettings settings, DirectoryInfo workDirectory, ThrowawayBackends backends, string issuer)
    {
        // The SQLite path only places the run's token certificates (beside it); PostgreSQL is the database.
        var environment = Orchestration.ServerEnvironment(
            Path.Combine(workDirectory.FullName, "unused.db"), [.. settings.ServerEnvironment, .. settings.GraphQLEnvironment]);
        environment["ConnectionStrings__Sqlite"] = null;
        environment["ConnectionStrings__Postgres"] = backends.Postgres;
        environment["ConnectionStrings__Redis"] = backends.Redis;
        environment["Auth__Issuer"] = issuer;
        environment["Data__MigrateOnStartup"] = "false";
        environment["Llm__Generation__CancelWhenUnwatchedAfter"] = "00:30:00";
        return environment;
    }

    private static Uri Url(string scheme, int port) => new($"{scheme}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/graphql");

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
