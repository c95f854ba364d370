using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.StreamFanout;

/// <summary>
/// <c>run stream-fanout</c>: 1,000 concurrent `generate` subscriptions of 200 tokens at 20 ms per token, from one
/// separate client process holding 1,000 WebSockets, against the real app and against the baseline's bare WebSocket
/// endpoint pacing the same frames with the same <c>Task.Delay</c>. Measures the delay added per token (from each chunk's
/// arrival time), the server's CPU and memory, and checks that every subscription got every chunk, in order, with the
/// echo reply's text. Writes <c>bench/results/stream-fanout.md</c>.
/// </summary>
public static class StreamFanoutBenchmark
{
    public const string Name = "stream-fanout";

    /// <summary>The p99 of the delay GraphQL adds per token must stay below this, in milliseconds.</summary>
    public const double TargetP99Ms = 5;

    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            ServerSettings.Read(arguments, Name),
            Connections: arguments.Int("connections", 1000),
            Tokens: arguments.Int("tokens", 200),
            Delay: arguments.Duration("delay", TimeSpan.FromMilliseconds(20)),
            Rounds: arguments.Int("rounds", 3),
            WarmupRuns: arguments.Int("warmup-runs", 3, min: 0));
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
                settings.Servers, workDirectory, GenerateStream.EchoSettings(settings.Tokens, settings.Delay), serverCpus, withBaseline: true,
                cancellationToken);
            var targets = new[]
            {
                ("GraphQL", servers.GraphWebSocket, servers.Graph),
                ("baseline", servers.BaselineWebSocket(settings.Delay), servers.Baseline!),
            };

            // Warm-up: the same load, unmeasured, so that both servers (and their JIT) have seen it before.
            var warmup = new List<Run>();
            for (var i = 0; i < settings.WarmupRuns; i++)
            {
                foreach (var (name, url, process) in targets)
                {
                    var run = await FanoutAsync(name, url, null, [process], settings, clientCpus, cancellationToken);
                    warmup.Add(run);
                    Log($"warm-up {name}: {Describe(run)}");
                }
            }

            var rounds = new List<Run>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Rounds alternate who goes first.
                foreach (var (name, url, process) in round % 2 == 1 ? targets : targets.Reverse())
                {
                    var run = await FanoutAsync(name, url, null, [process], settings, clientCpus, cancellationToken) with { Round = round };
                    rounds.Add(run);
                    Log($"round {round} {name}: {Describe(run)}");
                }
            }

            var report = StreamFanoutReport.Render(new Report(settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, warmup, rounds));
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>
    /// One client process fanning out against one target, with the servers' CPU and memory sampled meanwhile (summed
    /// over <paramref name="servers"/>). With <paramref name="start"/>, each generation is started there over HTTP and
    /// watched at <paramref name="url"/> with `generation(id:)`; without it, each subscription `generate`s its own.
    /// </summary>
    internal static async Task<Run> FanoutAsync(
        string name, Uri url, Uri? start, IReadOnlyList<ChildProcess> servers, Settings settings, string? cpus, CancellationToken cancellationToken)
    {
        var rssBefore = Sum(servers.Select(s => ProcessMemory.ResidentSetSize(s.Id)));
        var jitBefore = servers.Select(s => ProcessCpu.JitSnapshot(s.Id)).ToList();
        var samplers = servers.Select(s => new ProcessSampler(s.Id, SampleInterval)).ToList();
        try
        {
            var json = await StreamServers.RunClientAsync(
                [
                    "fanout", "--url", url.ToString(),
                    "--connections", settings.Connections.ToString(CultureInfo.InvariantCulture),
                    "--tokens", settings.Tokens.ToString(CultureInfo.InvariantCulture),
                    "--delay", Arguments.FormatDuration(settings.Delay),
                    .. start is null ? Array.Empty<string>() : ["--start-url", start.ToString()],
                ],
                cpus, TimeSpan.FromMinutes(4), allowFailure: true, cancellationToken);
            Orchestration.ThrowIfExited([.. servers]);
            var result = JsonSerializer.Deserialize(json, StreamJsonContext.Default.FanoutResult)
                ?? throw new BenchmarkFailedException("stream-client printed no result.");
            var from = DateTimeOffset.FromUnixTimeMilliseconds(result.WallStartUnixMs);
            var to = DateTimeOffset.FromUnixTimeMilliseconds(result.WallEndUnixMs);
            await Task.Delay(SampleInterval * 2, cancellationToken);
            var cpu = samplers.Select(s => s.CpuBetween(from, to)).ToList();
            return new Run(
                name,
                0,
                result,
                cpu.All(c => c is not null) ? cpu.Sum(c => c!.Value.TotalSeconds) / (to - from).TotalSeconds : null,
                rssBefore,
                Sum(samplers.Select(s => s.PeakRssBetween(from, to))),
                Sum(servers.Select(s => ProcessMemory.ResidentSetSize(s.Id))),
                jitBefore.All(j => j is not null) && jitBefore.SequenceEqual(servers.Select(s => ProcessCpu.JitSnapshot(s.Id))));
        }
        finally
        {
            foreach (var sampler in samplers)
                await sampler.DisposeAsync();
        }
    }

    private static long? Sum(IEnumerable<long?> values) => values.Aggregate((long?)0, (total, v) => total + v);

    internal static string Describe(Run run)
    {
        var r = run.Result;
        return Invariant($"added delay per token p50 {r.GapP50Ms:0.00} ms, p99 {r.GapP99Ms:0.00} ms, max {r.GapMaxMs:0.0} ms; ")
            + Invariant($"first chunk p50 {r.FirstChunkP50Ms:0} ms; server CPU {run.ServerCpuShare:P0}; peak RSS {run.PeakRss / 1048576.0:0} MiB; ")
            + Invariant($"{r.Completed}/{r.Connections} complete, {r.Lost} lost, {r.OutOfOrder} out of order, {r.WrongText} wrong text")
            + (r.FirstFailure is { } f ? $"; first failure: {f}" : "");
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(ServerSettings Servers, int Connections, int Tokens, TimeSpan Delay, int Rounds, int WarmupRuns);

    /// <param name="ServerCpuShare">The server's CPU time during the client's streaming window over that window's length (1 = one core busy).</param>
    public sealed record Run(
        string Target, int Round, FanoutResult Result, double? ServerCpuShare, long? RssBefore, long? PeakRss, long? RssAfter, bool JitQuiet)
    {
        public bool Verified => Result.Failed == 0 && Result.Lost == 0 && Result.OutOfOrder == 0 && Result.WrongText == 0 && Result.Completed == Result.Connections;
    }

    public sealed record Report(
        Settings Settings, string Command, Machine Machine, DateTimeOffset Finished, string? ServerCpus, string? ClientCpus,
        IReadOnlyList<Run> Warmup, IReadOnlyList<Run> Rounds);
}
