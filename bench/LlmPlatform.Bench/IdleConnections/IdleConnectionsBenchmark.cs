using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.IdleConnections;

/// <summary>
/// <c>run idle-connections</c>: the server memory one idle subscribed WebSocket costs, from the server's /proc at 0,
/// 500 and 1,000 connections (each after <c>connection_init</c>, holding one live subscription that emits nothing
/// meanwhile), every reading taken after a full GC induced from outside through the runtime's diagnostic port. Three
/// scenarios, each on a fresh server: GraphQL watchers of one shared slow generation (<c>generation(id:)</c>: the
/// connection and subscription alone), GraphQL `generate` subscriptions each with its own slow generation (plus what a
/// running generation holds), and the baseline's bare WebSocket holding the same sockets (the floor of Kestrel and
/// WebSocket). Writes <c>bench/results/idle-connections.md</c>.
/// </summary>
public static class IdleConnectionsBenchmark
{
    public const string Name = "idle-connections";

    /// <summary>An idle subscribed connection may cost at most this many bytes of server memory.</summary>
    public const long TargetBytes = 32 * 1024;

    /// <summary>Slow enough that no token comes while the benchmark runs.</summary>
    private static readonly TimeSpan TokenDelay = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            ServerSettings.Read(arguments, Name),
            Connections: arguments.Int("connections", 1000),
            Settle: arguments.Duration("settle", TimeSpan.FromSeconds(8)),
            Readings: arguments.Int("readings", 3),
            WarmupConnections: arguments.Int("warmup-connections", 100, min: 0));
        arguments.ThrowIfUnread();
        if (settings.Connections % 2 != 0)
            throw new UsageException("--connections must be even (it is measured at half and at full)");
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, clientCpus) = Orchestration.Pinning(settings.Servers.Pin);
        var scenarios = new List<Scenario>();
        foreach (var kind in new[] { ScenarioKind.Watch, ScenarioKind.Generate, ScenarioKind.Baseline })
        {
            var workDirectory = Orchestration.CreateWorkDirectory();
            try
            {
                scenarios.Add(await RunScenarioAsync(kind, settings, serverCpus, clientCpus, workDirectory, cancellationToken));
            }
            finally
            {
                Orchestration.DeleteWorkDirectory(workDirectory);
            }
        }
        var report = IdleConnectionsReport.Render(new Report(settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, scenarios));
        await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
        return 0;
    }

    private static async Task<Scenario> RunScenarioAsync(
        ScenarioKind kind, Settings settings, string? serverCpus, string? clientCpus, DirectoryInfo workDirectory, CancellationToken cancellationToken)
    {
        Log($"{kind}: starting a fresh server");
        using var servers = await StreamServers.StartAsync(
            settings.Servers, workDirectory, GenerateStream.EchoSettings(48, TokenDelay), serverCpus, withBaseline: kind == ScenarioKind.Baseline,
            cancellationToken);
        var server = kind == ScenarioKind.Baseline ? servers.Baseline! : servers.Graph;
        var url = kind == ScenarioKind.Baseline ? servers.BaselineWebSocket(TokenDelay) : servers.GraphWebSocket;

        // Warm-up: the same kind of subscriptions, opened and closed, so that the measured steps pay for no JIT and no
        // first-time pools. A watch warm-up watches a generation of its own: its viewers leaving cancels it.
        if (settings.WarmupConnections > 0)
        {
            await using var warmup = IdleClient.Start(url, await WatchedIdAsync(kind, servers, cancellationToken), clientCpus);
            await warmup.OpenAsync(settings.WarmupConnections, cancellationToken);
            await warmup.CloseAsync(cancellationToken);
            Log($"{kind}: warm-up with {settings.WarmupConnections} connections done");
        }

        var generationId = await WatchedIdAsync(kind, servers, cancellationToken);
        await using var client = IdleClient.Start(url, generationId, clientCpus);
        var steps = new List<Step> { await MeasureAsync(server, 0, settings, cancellationToken) };
        Log($"{kind}: {Describe(steps[^1])}");
        foreach (var target in new[] { settings.Connections / 2, settings.Connections })
        {
            var opened = await client.OpenAsync(target - steps[^1].Connections, cancellationToken);
            if (opened != target)
                throw new BenchmarkFailedException($"{kind}: {opened} connections open instead of {target}.");
            steps.Add(await MeasureAsync(server, target, settings, cancellationToken));
            Log($"{kind}: {Describe(steps[^1])}");
        }
        var status = await client.StatusAsync(cancellationToken);
        Orchestration.ThrowIfExited(server);
        await client.CloseAsync(cancellationToken);
        return new Scenario(kind, steps, status.Live, status.LaterEvents, status.ClosedByServer);
    }

    /// <summary>For a watch scenario, a new slow generation (started over HTTP) to watch; null otherwise.</summary>
    private static async Task<string?> WatchedIdAsync(ScenarioKind kind, StreamServers servers, CancellationToken cancellationToken)
    {
        if (kind != ScenarioKind.Watch)
            return null;
        using var http = new HttpClient();
        return await GenerationStarter.StartAsync(http, servers.GraphHttp, "one slow generation that a thousand viewers watch", 48, cancellationToken);
    }

    /// <summary>
    /// After the settle period, <see cref="Settings.Readings"/> readings one second apart, each right after a full GC
    /// induced through the diagnostic port; plus the server's CPU time over the second half of the settle period (the
    /// first half may still hold the tail of opening the connections) and whether the JIT worked meanwhile.
    /// </summary>
    private static async Task<Step> MeasureAsync(ChildProcess server, int connections, Settings settings, CancellationToken cancellationToken)
    {
        await Task.Delay(settings.Settle / 2, cancellationToken);
        var cpuBefore = ProcessCpu.Used(server.Id);
        var jitBefore = ProcessCpu.JitSnapshot(server.Id);
        await Task.Delay(settings.Settle / 2, cancellationToken);
        var cpu = ProcessCpu.Used(server.Id) - cpuBefore;
        var jitQuiet = jitBefore is not null && jitBefore == ProcessCpu.JitSnapshot(server.Id);
        var readings = new List<ProcessMemory>();
        var induced = true;
        for (var i = 0; i < settings.Readings; i++)
        {
            induced &= await InducedGc.CollectAsync(server.Id, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            readings.Add(ProcessMemory.Read(server.Id) ?? throw new BenchmarkFailedException("no /proc: this benchmark needs Linux."));
        }
        return new Step(connections, readings, induced, cpu is { } used ? used.TotalSeconds / (settings.Settle / 2).TotalSeconds : null, jitQuiet);
    }

    private static string Describe(Step step) =>
        Invariant($"{step.Connections} connections: RSS {Mib(step.Rss.Median)} MiB (±{Mib(step.Rss.Spread / 2)}), ")
        + Invariant($"GC heap resident {Mib(step.GcResident.Median)} MiB, committed {Mib(step.GcCommitted.Median)} MiB; CPU {step.CpuShare:P1} while idle (JIT {(step.JitQuiet ? "quiet" : "busy")})");

    internal static string Mib(double bytes) => (bytes / 1048576).ToString("0.0", CultureInfo.InvariantCulture);

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(ServerSettings Servers, int Connections, TimeSpan Settle, int Readings, int WarmupConnections);

    public enum ScenarioKind
    {
        /// <summary>GraphQL: <c>generation(id:)</c> on one shared slow generation.</summary>
        Watch,

        /// <summary>GraphQL: <c>generate</c>, each subscription its own slow generation.</summary>
        Generate,

        /// <summary>The baseline's bare WebSocket, holding the same sockets.</summary>
        Baseline,
    }

    /// <summary>Median and spread (max − min) of a measure over a step's readings.</summary>
    public readonly record struct Measure(double Median, double Spread)
    {
        public static Measure Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return new Measure(sorted[sorted.Count / 2], sorted[^1] - sorted[0]);
        }
    }

    /// <param name="CpuShare">The server's CPU time over the second half of the settle period, as a share of one core.</param>
    public sealed record Step(int Connections, IReadOnlyList<ProcessMemory> Readings, bool GcInduced, double? CpuShare, bool JitQuiet)
    {
        public Measure Rss => Measure.Of(Readings.Select(r => (double)r.Rss));

        public Measure GcResident => Measure.Of(Readings.Select(r => (double)(r.GcHeapResident ?? 0)));

        public Measure GcCommitted => Measure.Of(Readings.Select(r => (double)(r.GcHeapCommitted ?? 0)));

        public Measure NonGc => Measure.Of(Readings.Select(r => (double)(r.Rss - (r.GcHeapResident ?? 0))));
    }

    /// <param name="LaterEvents">Events the client received after each subscription's first one (there should be none).</param>
    public sealed record Scenario(ScenarioKind Kind, IReadOnlyList<Step> Steps, int Live, int LaterEvents, int ClosedByServer)
    {
        /// <summary>Bytes per connection of a measure, from 0 to the full count.</summary>
        public double PerConnection(Func<Step, Measure> measure) =>
            (measure(Steps[^1]).Median - measure(Steps[0]).Median) / Steps[^1].Connections;

        /// <summary>The same over the first half and over the second half: equal when memory grows linearly.</summary>
        public (double First, double Second) Halves(Func<Step, Measure> measure) =>
            ((measure(Steps[1]).Median - measure(Steps[0]).Median) / Steps[1].Connections,
             (measure(Steps[2]).Median - measure(Steps[1]).Median) / (Steps[2].Connections - Steps[1].Connections));

        /// <summary>Worst case of the per-connection figure from the readings' spread at 0 and at full.</summary>
        public double ErrorMargin(Func<Step, Measure> measure) =>
            ((measure(Steps[0]).Spread + measure(Steps[^1]).Spread) / 2) / Steps[^1].Connections;
    }

    public sealed record Report(
        Settings Settings, string Command, Machine Machine, DateTimeOffset Finished, string? ServerCpus, string? ClientCpus, IReadOnlyList<Scenario> Scenarios);

    /// <summary>The <c>stream-client idle</c> process, driven over its standard input.</summary>
    private sealed class IdleClient : IAsyncDisposable
    {
        private readonly ChildProcess _process;

        private IdleClient(ChildProcess process) => _process = process;

        /// <summary>Watches <paramref name="generationId"/> when given, else subscribes `generate` (which the baseline answers too).</summary>
        public static IdleClient Start(Uri url, string? generationId, string? cpus)
        {
            List<string> arguments = [.. Paths.Self, "stream-client", "idle", "--url", url.ToString()];
            if (generationId is not null)
                arguments.AddRange(["--query", "watch", "--id", generationId]);
            return new IdleClient(ChildProcess.Start("stream-client", arguments, cpus, interactive: true));
        }

        /// <summary>Opens <paramref name="count"/> more subscriptions; the number now open.</summary>
        public async Task<int> OpenAsync(int count, CancellationToken cancellationToken)
        {
            var reply = Reply("opened");
            await _process.SendLineAsync($"open {count.ToString(CultureInfo.InvariantCulture)}");
            var words = (await reply.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken)).Split(' ');
            var failed = int.Parse(words[2], CultureInfo.InvariantCulture);
            if (failed > 0)
                throw new BenchmarkFailedException($"{failed} subscriptions could not be opened.\n{_process.Output()}");
            return int.Parse(words[1], CultureInfo.InvariantCulture);
        }

        public async Task<(int Live, int LaterEvents, int ClosedByServer)> StatusAsync(CancellationToken cancellationToken)
        {
            var reply = Reply("status");
            await _process.SendLineAsync("status");
            var words = (await reply.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken)).Split(' ');
            return (int.Parse(words[1], CultureInfo.InvariantCulture), int.Parse(words[2], CultureInfo.InvariantCulture), int.Parse(words[3], CultureInfo.InvariantCulture));
        }

        public async Task CloseAsync(CancellationToken cancellationToken)
        {
            var reply = Reply("closed");
            await _process.SendLineAsync("close");
            await reply.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        /// <summary>Starts waiting for the reply before the command is sent, so that a quick reply is not missed.</summary>
        private Task<string> Reply(string word) =>
            _process.WaitForLineAsync(l => l.StartsWith(word, StringComparison.Ordinal), TimeSpan.FromMinutes(3), CancellationToken.None);

        public ValueTask DisposeAsync()
        {
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
