using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Auth;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using static LlmPlatform.Bench.StreamThroughput.StreamThroughputBenchmark;

namespace LlmPlatform.Bench.StreamAuth;

/// <summary>
/// <c>run stream-auth</c>: one `generate` stream (echo, no delay, 10,000 tokens) over graphql-transport-ws with a bearer
/// token in <c>connection_init</c>, against the same stream without one (the local user), from one app process, one
/// stream at a time, alternating, from a separate client process. Writes <c>bench/results/stream-auth.md</c>.
/// </summary>
public static class StreamAuthBenchmark
{
    public const string Name = "stream-auth";

    /// <summary>With a token the app needs at least this share of its tokens/s without one.</summary>
    public const double Target = 0.90;

    public const string WithoutToken = "without token";
    public const string WithToken = "with token";

    private const int WarmupRepetitions = 10;

    /// <summary>How often the server's CPU time is read, to share it out between the streams (one runs at a time).</summary>
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = StreamThroughput.StreamThroughputBenchmark.Settings.Read(arguments, Name);
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(StreamThroughput.StreamThroughputBenchmark.Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, clientCpus) = Orchestration.Pinning(settings.Servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log("starting the server");
            using var servers = await StreamServers.StartAsync(
                settings.Servers, workDirectory, GenerateStream.EchoSettings(settings.Tokens, TimeSpan.Zero), serverCpus, withBaseline: false,
                cancellationToken);
            var account = await BenchAccount.SignUpAsync(servers.GraphHttp, cancellationToken);
            Log($"signed in ({account.TokenLength}-character token for {account.Lifetime})");

            var started = DateTime.UtcNow;
            var warmup = new List<Chunk>();
            Log($"warming up until CPU time per token settles (within {SettledWithin:P0}, at most {Arguments.FormatDuration(settings.ServerWarmup)})");
            while (true)
            {
                var chunk = await StreamAsync(servers, account, withFirst: false, settings.Tokens, WarmupRepetitions, clientCpus, cancellationToken);
                warmup.Add(chunk);
                Log($"warm-up {warmup.Count}: without {chunk.Without.MedianTokensPerSecond:N0} tokens/s, {Ns(chunk.Without.CpuPerToken)}/token; "
                    + $"with {chunk.With.MedianTokensPerSecond:N0} tokens/s, {Ns(chunk.With.CpuPerToken)}/token; JIT {(chunk.JitQuiet ? "quiet" : "busy")}");
                if (DateTime.UtcNow - started >= settings.MinimumWarmup && IsSettled(warmup))
                    break;
                if (DateTime.UtcNow - started >= settings.ServerWarmup)
                {
                    Log("warm-up did not settle in time; measuring anyway (the report says so)");
                    break;
                }
            }
            var warmupElapsed = DateTime.UtcNow - started;
            var warmupSettled = IsSettled(warmup);

            var rounds = new List<Chunk>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Within a round the client alternates A B, B A, …; rounds alternate who goes first.
                var chunk = await StreamAsync(servers, account, withFirst: round % 2 == 0, settings.Tokens, settings.Repetitions, clientCpus, cancellationToken);
                rounds.Add(chunk);
                Log($"round {round}: without {chunk.Without.MedianTokensPerSecond:N0} tokens/s, with {chunk.With.MedianTokensPerSecond:N0} tokens/s "
                    + $"({chunk.With.Cut + chunk.Without.Cut} cut); ratio {chunk.Ratio:P1}");
            }
            if (DateTime.UtcNow - started + TimeSpan.FromMinutes(1) > account.Lifetime)
                throw new BenchmarkFailedException("the run took about as long as the token lives: raise Auth:AccessTokenLifetime.");

            var report = StreamAuthReport.Render(new Report(
                settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, account.TokenLength, warmup, warmupElapsed, warmupSettled, rounds));
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>
    /// One client process streaming <paramref name="repetitions"/> times with and without the token, alternating; the
    /// server's CPU time, read every <see cref="SampleInterval"/>, is shared out to the stream it fell in (from
    /// connecting to closed), so each side gets a CPU time per token although one process serves both.
    /// </summary>
    private static async Task<Chunk> StreamAsync(
        StreamServers servers, BenchAccount account, bool withFirst, int tokens, int repetitions, string? cpus, CancellationToken cancellationToken)
    {
        var url = servers.GraphWebSocket.ToString();
        string[] order = withFirst ? [WithToken, WithoutToken] : [WithoutToken, WithToken];
        List<string> arguments = ["throughput", "--tokens", tokens.ToString(CultureInfo.InvariantCulture), "--repetitions", repetitions.ToString(CultureInfo.InvariantCulture)];
        foreach (var side in order)
            arguments.AddRange(["--url", url, "--authorization", side == WithToken ? account.Authorization : LoadCommand.NoAuthorization]);

        var jitBefore = ProcessCpu.JitSnapshot(servers.Graph.Id);
        var sampler = new ProcessSampler(servers.Graph.Id, SampleInterval);
        string json;
        try
        {
            json = await StreamServers.RunClientAsync(arguments, cpus, TimeSpan.FromMinutes(5), allowFailure: true, cancellationToken);
        }
        finally
        {
            await sampler.DisposeAsync();
        }
        servers.ThrowIfExited();
        var jitQuiet = jitBefore is not null && jitBefore == ProcessCpu.JitSnapshot(servers.Graph.Id);

        var result = JsonSerializer.Deserialize(json, StreamJsonContext.Default.ThroughputResult)
            ?? throw new BenchmarkFailedException("stream-client printed no result.");
        var with = Array.IndexOf(order, WithToken);
        // A stream may be cut by the server (reported); one that arrives whole must be right, and both sides must get
        // the very same bytes, or the comparison would mean nothing.
        if (result.Runs.FirstOrDefault(r => r.Error is not null && !IsCut(r)) is { } wrong)
            throw new BenchmarkFailedException($"a stream {(wrong.Target == with ? "with" : "without")} a token went wrong: {wrong.Error}");
        var whole = result.Runs.Where(r => r.Error is null).ToList();
        if (whole.Count == 0)
            throw new BenchmarkFailedException($"every stream was cut by the server: {result.Runs[0].Error}");
        if (whole.Any(r => r.Hash != whole[0].Hash))
            throw new BenchmarkFailedException("the streams with and without a token did not carry the same bytes.");

        TargetRuns Side(bool withToken)
        {
            var runs = result.Runs.Where(r => (r.Target == with) == withToken).ToList();
            var cpu = runs.Select(r => sampler.CpuBetween(r.Started, r.Ended)).ToList();
            return TargetRuns.From(runs, cpu.All(c => c is not null) ? cpu.Aggregate(TimeSpan.Zero, (sum, c) => sum + c!.Value) : null);
        }
        // Adjacent streams, in the order they ran: ratios of neighbours share the machine's mood.
        var pairs = result.Runs.Chunk(2)
            .Where(p => p.Length == 2 && p.All(r => r.Error is null))
            .Select(p => p.Single(r => r.Target == with).TokensPerSecond / p.Single(r => r.Target != with).TokensPerSecond)
            .ToList();
        return new Chunk(Side(withToken: false), Side(withToken: true), pairs, jitQuiet, order);
    }

    /// <summary>
    /// The last three chunks agree: no JIT work in the last two, and each side's CPU time per token and tokens/s within
    /// <see cref="SettledWithin"/> of the chunk before.
    /// </summary>
    private static bool IsSettled(List<Chunk> chunks) =>
        chunks.Count >= 3 && chunks[^1].JitQuiet && chunks[^2].JitQuiet && chunks[^3].Settled(chunks[^2]) && chunks[^2].Settled(chunks[^1]);

    private static void Log(string message) => Orchestration.Log(message);

    /// <param name="PairRatios">With ÷ without tokens/s of streams that ran back to back.</param>
    public sealed record Chunk(TargetRuns Without, TargetRuns With, IReadOnlyList<double> PairRatios, bool JitQuiet, IReadOnlyList<string> Order)
    {
        public double Ratio => With.MedianTokensPerSecond / Without.MedianTokensPerSecond;

        public bool Settled(Chunk next)
        {
            ArgumentNullException.ThrowIfNull(next);
            return Close(Without.CpuPerToken, next.Without.CpuPerToken)
                && Close(With.CpuPerToken, next.With.CpuPerToken)
                && Close(Without.MedianTokensPerSecond, next.Without.MedianTokensPerSecond)
                && Close(With.MedianTokensPerSecond, next.With.MedianTokensPerSecond);

            static bool Close(double? before, double? after) =>
                before is { } b && after is { } a && Math.Abs(a - b) <= SettledWithin * b;
        }
    }

    public sealed record Report(
        StreamThroughput.StreamThroughputBenchmark.Settings Settings,
        string Command,
        Machine Machine,
        DateTimeOffset Finished,
        string? ServerCpus,
        string? ClientCpus,
        int TokenLength,
        IReadOnlyList<Chunk> Warmup,
        TimeSpan WarmupElapsed,
        bool WarmupSettled,
        IReadOnlyList<Chunk> Rounds);
}
