using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.StreamThroughput;

/// <summary>
/// <c>run stream-throughput</c>: tokens/s of one `generate` stream (echo, no delay, 10,000 tokens) over
/// graphql-transport-ws from the real app, against the baseline server's bare WebSocket endpoint sending the very same
/// frames; one stream at a time, alternating between the two, from a separate client process. Writes
/// <c>bench/results/stream-throughput.md</c>.
/// </summary>
public static class StreamThroughputBenchmark
{
    public const string Name = "stream-throughput";

    /// <summary>GraphQL needs at least this share of the bare socket's tokens/s.</summary>
    public const double Target = 0.50;

    /// <summary>Warm-up is over when GraphQL's CPU time per token moves less than this between two chunks (and no JIT worked).</summary>
    public const double SettledWithin = 0.10;

    private const int WarmupRepetitions = 10;

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = Settings.Read(arguments, Name);
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, clientCpus) = Orchestration.Pinning(settings.Servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log("starting the servers");
            using var servers = await StreamServers.StartAsync(
                settings.Servers, workDirectory, GenerateStream.EchoSettings(settings.Tokens, TimeSpan.Zero), serverCpus, withBaseline: true,
                cancellationToken);
            var graph = servers.GraphWebSocket;
            var baseline = servers.BaselineWebSocket(TimeSpan.Zero);

            var warmup = new List<Chunk>();
            var started = DateTime.UtcNow;
            Log($"warming up until CPU time per token settles (within {SettledWithin:P0}, at most {Arguments.FormatDuration(settings.ServerWarmup)})");
            while (true)
            {
                var chunk = await StreamAsync(servers, [graph, baseline], settings.Tokens, WarmupRepetitions, clientCpus, cancellationToken);
                warmup.Add(chunk);
                Log($"warm-up {warmup.Count}: GraphQL {chunk.Graph.MedianTokensPerSecond:N0} tokens/s, {Ns(chunk.Graph.CpuPerToken)}/token; "
                    + $"baseline {chunk.Baseline.MedianTokensPerSecond:N0} tokens/s, {Ns(chunk.Baseline.CpuPerToken)}/token; JIT {(chunk.JitQuiet ? "quiet" : "busy")}");
                if (DateTime.UtcNow - started >= settings.MinimumWarmup && IsSettled(warmup))
                    break;
                if (DateTime.UtcNow - started >= settings.ServerWarmup)
                {
                    Log("warm-up did not settle in time; measuring anyway (the report says so)");
                    break;
                }
            }
            var warmupSettled = IsSettled(warmup);

            var rounds = new List<Chunk>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Within a round the client alternates A B, B A, …; rounds alternate who goes first.
                Uri[] order = round % 2 == 1 ? [baseline, graph] : [graph, baseline];
                var chunk = await StreamAsync(servers, order, settings.Tokens, settings.Repetitions, clientCpus, cancellationToken);
                rounds.Add(chunk);
                Log($"round {round}: GraphQL {chunk.Graph.MedianTokensPerSecond:N0} tokens/s ({chunk.Graph.Cut} cut), "
                    + $"baseline {chunk.Baseline.MedianTokensPerSecond:N0} tokens/s; ratio {chunk.Ratio:P1}");
            }

            var report = StreamThroughputReport.Render(new Report(
                settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, warmup, DateTime.UtcNow - started, warmupSettled, rounds));
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>One client process streaming <paramref name="repetitions"/> times from each target, with each server's CPU time meanwhile.</summary>
    private static async Task<Chunk> StreamAsync(
        StreamServers servers, Uri[] order, int tokens, int repetitions, string? cpus, CancellationToken cancellationToken)
    {
        var graphCpu = ProcessCpu.Used(servers.Graph.Id);
        var baselineCpu = ProcessCpu.Used(servers.Baseline!.Id);
        var graphJit = ProcessCpu.JitSnapshot(servers.Graph.Id);
        var baselineJit = ProcessCpu.JitSnapshot(servers.Baseline.Id);
        List<string> arguments = ["throughput", "--tokens", tokens.ToString(CultureInfo.InvariantCulture), "--repetitions", repetitions.ToString(CultureInfo.InvariantCulture)];
        foreach (var url in order)
            arguments.AddRange(["--url", url.ToString()]);
        var json = await StreamServers.RunClientAsync(arguments, cpus, TimeSpan.FromMinutes(5), allowFailure: true, cancellationToken);
        servers.ThrowIfExited();
        var graphUsed = ProcessCpu.Used(servers.Graph.Id) - graphCpu;
        var baselineUsed = ProcessCpu.Used(servers.Baseline.Id) - baselineCpu;
        var jitQuiet = graphJit is not null
            && graphJit == ProcessCpu.JitSnapshot(servers.Graph.Id)
            && baselineJit == ProcessCpu.JitSnapshot(servers.Baseline.Id);

        var result = JsonSerializer.Deserialize(json, StreamJsonContext.Default.ThroughputResult)
            ?? throw new BenchmarkFailedException("stream-client printed no result.");
        var graphIndex = Array.IndexOf(order, servers.GraphWebSocket);
        var graphRuns = result.Runs.Where(r => r.Target == graphIndex).ToList();
        var baselineRuns = result.Runs.Where(r => r.Target != graphIndex).ToList();
        if (baselineRuns.FirstOrDefault(r => r.Error is not null) is { } broken)
            throw new BenchmarkFailedException($"a baseline stream failed: {broken.Error}");
        // A GraphQL stream may be cut by the server (reported); one that arrives whole must be right, byte for byte.
        if (graphRuns.FirstOrDefault(r => r.Error is not null && !IsCut(r)) is { } wrong)
            throw new BenchmarkFailedException($"a GraphQL stream went wrong: {wrong.Error}");
        if (graphRuns.All(IsCut))
            throw new BenchmarkFailedException($"every GraphQL stream was cut by the server: {graphRuns[0].Error}");
        var reference = baselineRuns[0].Hash;
        var differing = graphRuns.Where(r => r.Error is null).Count(r => r.Hash != reference);
        if (differing > 0 || baselineRuns.Any(r => r.Hash != reference))
            throw new BenchmarkFailedException($"{differing} GraphQL stream(s) did not carry the baseline's bytes: the comparison would mean nothing.");

        // Adjacent GraphQL/baseline streams, in the order they ran: ratios of neighbours share the machine's mood.
        var pairs = result.Runs.Chunk(2)
            .Where(p => p.Length == 2 && p.All(r => r.Error is null))
            .Select(p => p.Single(r => r.Target == graphIndex).TokensPerSecond / p.Single(r => r.Target != graphIndex).TokensPerSecond)
            .ToList();
        return new Chunk(
            TargetRuns.From(graphRuns, graphUsed),
            TargetRuns.From(baselineRuns, baselineUsed),
            pairs,
            jitQuiet,
            [.. order.Select(u => u == servers.GraphWebSocket ? "GraphQL" : "baseline")]);
    }

    internal static bool IsCut(ThroughputRun run) => run.Error?.StartsWith("the server closed the connection", StringComparison.Ordinal) == true;

    internal static string Ns(double? nanoseconds) =>
        nanoseconds is { } value ? value.ToString("N0", CultureInfo.InvariantCulture) + " ns" : "n/a";

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(ServerSettings Servers, int Tokens, int Repetitions, int Rounds, TimeSpan ServerWarmup, TimeSpan MinimumWarmup)
    {
        /// <summary>The options of <c>stream-throughput</c>, which <c>stream-auth</c> shares; results go to <c>bench/results/&lt;benchmark&gt;.md</c>.</summary>
        public static Settings Read(Arguments arguments, string benchmark)
        {
            ArgumentNullException.ThrowIfNull(arguments);
            return new Settings(
                ServerSettings.Read(arguments, benchmark),
                Tokens: arguments.Int("tokens", 10_000),
                Repetitions: arguments.Int("repetitions", 20),
                Rounds: arguments.Int("rounds", 3),
                ServerWarmup: arguments.Duration("server-warmup", TimeSpan.FromSeconds(180)),
                MinimumWarmup: arguments.Duration("min-warmup", TimeSpan.FromSeconds(60)));
        }
    }

    /// <summary>
    /// The last three chunks agree: no JIT work in the last two, and GraphQL's CPU time per token and both targets'
    /// tokens/s within <see cref="SettledWithin"/> of the chunk before. Both apps keep tiering up (PGO) for a minute
    /// or more under this load; a run that measured before that would compare two moving targets.
    /// </summary>
    private static bool IsSettled(List<Chunk> chunks) =>
        chunks.Count >= 3 && chunks[^1].JitQuiet && chunks[^2].JitQuiet && chunks[^3].Settled(chunks[^2]) && chunks[^2].Settled(chunks[^1]);

    /// <summary>One target's streams in one client process; the server's CPU time over the tokens it streamed (whole streams and cut ones).</summary>
    public sealed record TargetRuns(IReadOnlyList<ThroughputRun> Runs, TimeSpan? Cpu)
    {
        public IReadOnlyList<ThroughputRun> Whole => [.. Runs.Where(r => r.Error is null)];

        public int Cut => Runs.Count(IsCut);

        public double MedianTokensPerSecond => Median(Whole.Select(r => r.TokensPerSecond));

        /// <summary>Nanoseconds of server CPU time per streamed token.</summary>
        public double? CpuPerToken => Cpu is { } cpu && Runs.Sum(r => r.Chunks) is > 0 and var tokens ? cpu.TotalNanoseconds / tokens : null;

        public static TargetRuns From(IReadOnlyList<ThroughputRun> runs, TimeSpan? cpu) => new(runs, cpu);
    }

    /// <param name="PairRatios">GraphQL ÷ baseline tokens/s of streams that ran back to back.</param>
    public sealed record Chunk(TargetRuns Graph, TargetRuns Baseline, IReadOnlyList<double> PairRatios, bool JitQuiet, IReadOnlyList<string> Order)
    {
        public double Ratio => Graph.MedianTokensPerSecond / Baseline.MedianTokensPerSecond;

        public bool Settled(Chunk next)
        {
            ArgumentNullException.ThrowIfNull(next);
            // The baseline's CPU time per chunk is a few /proc ticks (10 ms each), too coarse to compare: its tokens/s is.
            return Close(Graph.CpuPerToken, next.Graph.CpuPerToken)
                && Close(Graph.MedianTokensPerSecond, next.Graph.MedianTokensPerSecond)
                && Close(Baseline.MedianTokensPerSecond, next.Baseline.MedianTokensPerSecond);

            static bool Close(double? before, double? after) =>
                before is { } b && after is { } a && Math.Abs(a - b) <= SettledWithin * b;
        }
    }

    public sealed record Report(
        Settings Settings,
        string Command,
        Machine Machine,
        DateTimeOffset Finished,
        string? ServerCpus,
        string? ClientCpus,
        IReadOnlyList<Chunk> Warmup,
        TimeSpan WarmupElapsed,
        bool WarmupSettled,
        IReadOnlyList<Chunk> Rounds);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
