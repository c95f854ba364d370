using System.Globalization;
using LlmPlatform.Bench.Baseline;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.QueryThroughput;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.Streaming;

/// <summary>The options every streaming benchmark takes, with the query benchmark's meaning.</summary>
public sealed record ServerSettings(
    string Pin, string GraphQLDll, IReadOnlyList<string> ServerEnvironment, IReadOnlyList<string> GraphQLEnvironment, string ResultsFile)
{
    public static ServerSettings Read(Arguments arguments, string benchmark)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new ServerSettings(
            arguments.Optional("pin") ?? "auto",
            Path.GetFullPath(arguments.Optional("graphql-dll") ?? Paths.GraphAppDll),
            arguments.All("server-env"),
            arguments.All("graphql-env"),
            Path.GetFullPath(arguments.Optional("results") ?? Path.Combine(Paths.ResultsDirectory, benchmark + ".md")));
        _ = Orchestration.ServerEnvironment("", [.. settings.ServerEnvironment, .. settings.GraphQLEnvironment]); // checks KEY=VALUE now
        _ = Orchestration.Pinning(settings.Pin);
        if (!File.Exists(settings.GraphQLDll))
            throw new UsageException($"{settings.GraphQLDll} is missing: build it first (bench/run.sh does: dotnet build src/Graph -c Release).");
        return settings;
    }
}

/// <summary>
/// The servers of a streaming benchmark, each its own process on the servers' CPUs: the real app (Release build,
/// Production, log level Warning, a freshly migrated and seeded SQLite file of its own, its echo provider set by
/// <c>graphArguments</c>) and, when asked for, the bench's baseline server with its bare WebSocket endpoint.
/// Disposing stops both.
/// </summary>
public sealed class StreamServers : IDisposable
{
    private StreamServers(ChildProcess graph, int graphPort, ChildProcess? baseline, int baselinePort)
    {
        Graph = graph;
        GraphHttp = new Uri($"http://127.0.0.1:{graphPort.ToString(CultureInfo.InvariantCulture)}/graphql");
        GraphWebSocket = new Uri($"ws://127.0.0.1:{graphPort.ToString(CultureInfo.InvariantCulture)}/graphql");
        Baseline = baseline;
        BaselineWebSocketBase = $"ws://127.0.0.1:{baselinePort.ToString(CultureInfo.InvariantCulture)}{StreamingBaseline.Path}";
    }

    public ChildProcess Graph { get; }

    public ChildProcess? Baseline { get; }

    public Uri GraphHttp { get; }

    public Uri GraphWebSocket { get; }

    private string BaselineWebSocketBase { get; }

    /// <summary>The baseline's stream endpoint, pausing <paramref name="delay"/> before each token.</summary>
    public Uri BaselineWebSocket(TimeSpan delay) =>
        new($"{BaselineWebSocketBase}?delayMs={delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<StreamServers> StartAsync(
        ServerSettings settings, DirectoryInfo workDirectory, IReadOnlyList<string> graphArguments, string? cpus, bool withBaseline,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(workDirectory);
        var seeded = Path.Combine(workDirectory.FullName, "seed.db");
        await BenchDatabase.CreateAsync(seeded, cancellationToken);
        var graphDb = Path.Combine(workDirectory.FullName, "graphql.db");
        var baselineDb = Path.Combine(workDirectory.FullName, "baseline.db");
        File.Copy(seeded, graphDb);
        File.Copy(seeded, baselineDb);

        var graphPort = Orchestration.FreePort();
        var graph = ChildProcess.Start(
            "GraphQL", [Paths.DotnetHost, settings.GraphQLDll, "--urls", $"http://127.0.0.1:{graphPort}", .. graphArguments], cpus,
            Path.GetDirectoryName(settings.GraphQLDll),
            Orchestration.ServerEnvironment(graphDb, [.. settings.ServerEnvironment, .. settings.GraphQLEnvironment]));
        ChildProcess? baseline = null;
        var baselinePort = 0;
        try
        {
            if (withBaseline)
            {
                baselinePort = Orchestration.FreePort();
                baseline = ChildProcess.Start(
                    "baseline", [.. Paths.Self, "baseline-server", "--urls", $"http://127.0.0.1:{baselinePort}", "--sqlite", baselineDb], cpus,
                    environment: Orchestration.ServerEnvironment(baselineDb, settings.ServerEnvironment));
            }
            await Orchestration.WaitUntilReadyAsync(graph, $"http://127.0.0.1:{graphPort}/health/ready", cancellationToken);
            if (baseline is not null)
                await Orchestration.WaitUntilReadyAsync(baseline, $"http://127.0.0.1:{baselinePort}{BaselineServer.ReadyPath}", cancellationToken);
            return new StreamServers(graph, graphPort, baseline, baselinePort);
        }
        catch
        {
            graph.Dispose();
            baseline?.Dispose();
            throw;
        }
    }

    public void ThrowIfExited()
    {
        Orchestration.ThrowIfExited(Graph);
        if (Baseline is not null)
            Orchestration.ThrowIfExited(Baseline);
    }

    /// <summary>Runs the bench's <c>stream-client</c> with <paramref name="arguments"/> to its end; its last line of JSON.</summary>
    public static async Task<string> RunClientAsync(
        IReadOnlyList<string> arguments, string? cpus, TimeSpan timeout, bool allowFailure, CancellationToken cancellationToken)
    {
        using var client = ChildProcess.Start("stream-client", [.. Paths.Self, "stream-client", .. arguments], cpus);
        var exit = await client.WaitForExitAsync(timeout, cancellationToken);
        var json = client.LastJsonLine();
        if (json is null || (exit != 0 && !allowFailure))
            throw new BenchmarkFailedException($"stream-client exited with code {exit}.\n{client.Output()}");
        return json;
    }

    public void Dispose()
    {
        Graph.Dispose();
        Baseline?.Dispose();
    }
}
