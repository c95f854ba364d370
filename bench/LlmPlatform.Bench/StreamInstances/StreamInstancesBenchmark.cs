using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.StreamFanout;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;

namespace LlmPlatform.Bench.StreamInstances;

/// <summary>
/// <c>run stream-instances</c>: generations started on instance A (<c>startGeneration</c> over HTTP) and watched with
/// `generation(id:)` over graphql-transport-ws on instance B, against the same started and watched on A alone, in the
/// same run, both instances on one PostgreSQL and one Redis that the run starts itself. Two parts: the fan-out of
/// <c>stream-fanout</c> (1,000 viewers, 200 tokens at 20 ms: added delay per token, every token checked) and one
/// 10,000-token echo stream at full speed (tokens/s). Writes <c>bench/results/stream-instances.md</c>.
/// </summary>
public static class StreamInstancesBenchmark
{
    public const string Name = "stream-instances";

    /// <summary>Across instances, the p99 added delay per token may exceed the single instance's by at most this, in ms.</summary>
    public const double TargetP99AboveSingleMs = 5;

    /// <summary>Across instances, a long stream must keep at least this share of the single instance's tokens/s.</summary>
    public const double TargetThroughputRatio = 0.5;

    public const string Across = "across instances";

    public const string OneInstance = "one instance";

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            new StreamFanoutBenchmark.Settings(
                ServerSettings.Read(arguments, Name),
                Connections: arguments.Int("connections", 1000),
                Tokens: arguments.Int("tokens", 200),
                Delay: arguments.Duration("delay", TimeSpan.FromMilliseconds(20)),
                Rounds: arguments.Int("rounds", 3),
                WarmupRuns: arguments.Int("warmup-runs", 3, min: 0)),
            StreamTokens: arguments.Int("stream-tokens", 10_000),
            Repetitions: arguments.Int("repetitions", 20),
            WarmupRepetitions: arguments.Int("warmup-repetitions", 20, min: 0));
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var servers = settings.Fanout.Servers;
        var (serverCpus, clientCpus) = Orchestration.Pinning(servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log("starting PostgreSQL and Redis");
            using var backends = await ThrowawayBackends.StartAsync(cancellationToken);
            await TwoInstances.MigrateAsync(servers, workDirectory, backends, cancellationToken);

            var (warmup, rounds) = await FanoutPartAsync(settings.Fanout, workDirectory, backends, serverCpus, clientCpus, cancellationToken);
            var streams = await ThroughputPartAsync(settings, workDirectory, backends, serverCpus, clientCpus, cancellationToken);

            var report = StreamInstancesReport.Render(new Report(settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, warmup, rounds, streams));
            await Orchestration.WriteReportAsync(servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    private static async Task<(List<StreamFanoutBenchmark.Run> Warmup, List<StreamFanoutBenchmark.Run> Rounds)> FanoutPartAsync(
        StreamFanoutBenchmark.Settings settings, DirectoryInfo workDirectory, ThrowawayBackends backends, string? serverCpus, string? clientCpus,
        CancellationToken cancellationToken)
    {
        Log("fan-out: starting instances A and B");
        using var instances = await TwoInstances.StartAsync(
            settings.Servers, workDirectory, backends, GenerateStream.EchoSettings(settings.Tokens, settings.Delay), serverCpus, cancellationToken);
        // Both sides start on A; only where the viewers watch differs. Both processes are sampled on both sides.
        var targets = new[] { (Name: Across, Watch: instances.BWebSocket), (Name: OneInstance, Watch: instances.AWebSocket) };
        async Task<StreamFanoutBenchmark.Run> RunAsync(string name, Uri watch) =>
            await StreamFanoutBenchmark.FanoutAsync(name, watch, instances.AHttp, [instances.A, instances.B], settings, clientCpus, cancellationToken);

        var warmup = new List<StreamFanoutBenchmark.Run>();
        for (var i = 0; i < settings.WarmupRuns; i++)
        {
            foreach (var (name, watch) in targets)
            {
                warmup.Add(await RunAsync(name, watch));
                Log($"fan-out warm-up {name}: {StreamFanoutBenchmark.Describe(warmup[^1])}");
            }
        }
        var rounds = new List<StreamFanoutBenchmark.Run>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var (name, watch) in round % 2 == 1 ? targets : targets.Reverse())
            {
                rounds.Add(await RunAsync(name, watch) with { Round = round });
                Log($"fan-out round {round} {name}: {StreamFanoutBenchmark.Describe(rounds[^1])}");
            }
        }
        return (warmup, rounds);
    }

    /// <summary>
    /// One client process streams alternately (B A, A B, …) a generation started on A and watched on B, then one
    /// started and watched on A; after an unmeasured client process of the same streams.
    /// </summary>
    private static async Task<ThroughputResult> ThroughputPartAsync(
        Settings settings, DirectoryInfo workDirectory, ThrowawayBackends backends, string? serverCpus, string? clientCpus,
        CancellationToken cancellationToken)
    {
        Log("long stream: restarting instances A and B with the echo provider at full speed");
        var servers = settings.Fanout.Servers;
        using var instances = await TwoInstances.StartAsync(
            servers, workDirectory, backends, GenerateStream.EchoSettings(settings.StreamTokens, TimeSpan.Zero), serverCpus, cancellationToken);
        string[] Arguments(int repetitions) =>
        [
            "throughput",
            "--url", instances.BWebSocket.ToString(), "--start-url", instances.AHttp.ToString(),
            "--url", instances.AWebSocket.ToString(), "--start-url", instances.AHttp.ToString(),
            "--tokens", settings.StreamTokens.ToString(CultureInfo.InvariantCulture),
            "--repetitions", repetitions.ToString(CultureInfo.InvariantCulture),
        ];
        if (settings.WarmupRepetitions > 0)
        {
            _ = await StreamServers.RunClientAsync(Arguments(settings.WarmupRepetitions), clientCpus, TimeSpan.FromMinutes(10), allowFailure: false, cancellationToken);
            Log($"long stream: {settings.WarmupRepetitions} unmeasured streams per side done");
        }
        var json = await StreamServers.RunClientAsync(Arguments(settings.Repetitions), clientCpus, TimeSpan.FromMinutes(10), allowFailure: true, cancellationToken);
        Orchestration.ThrowIfExited(instances.A, instances.B);
        var result = JsonSerializer.Deserialize(json, StreamJsonContext.Default.ThroughputResult)
            ?? throw new BenchmarkFailedException("stream-client printed no result.");
        if (result.Runs.FirstOrDefault(r => r.Error is not null) is { } failed)
            throw new BenchmarkFailedException($"a long stream ({(failed.Target == 0 ? Across : OneInstance)}) failed: {failed.Error}");
        Log(Invariant($"long stream: across {MedianTokensPerSecond(result, 0):N0} tokens/s, one instance {MedianTokensPerSecond(result, 1):N0} tokens/s"));
        return result;
    }

    /// <summary>Median tokens/s of the streams of <paramref name="target"/>: 0 across instances, 1 on one instance.</summary>
    internal static double MedianTokensPerSecond(ThroughputResult result, int target) =>
        StreamThroughputBenchmark.Median(result.Runs.Where(r => r.Target == target).Select(r => r.TokensPerSecond));

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(StreamFanoutBenchmark.Settings Fanout, int StreamTokens, int Repetitions, int WarmupRepetitions);

    public sealed record Report(
        Settings Settings, string Command, Machine Machine, DateTimeOffset Finished, string? ServerCpus, string? ClientCpus,
        IReadOnlyList<StreamFanoutBenchmark.Run> Warmup, IReadOnlyList<StreamFanoutBenchmark.Run> Rounds, ThroughputResult Streams);
}
