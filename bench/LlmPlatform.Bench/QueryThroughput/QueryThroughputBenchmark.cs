using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Baseline;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.QueryThroughput;

/// <summary>
/// <c>run query-throughput</c>: <c>personas(first: 10)</c> over the real GraphQL app against the bare baseline
/// endpoint, both on Kestrel over copies of one freshly seeded SQLite file, loaded by a separate load process over
/// loopback in alternating slices; writes <c>bench/results/query-throughput.md</c>.
/// </summary>
public static class QueryThroughputBenchmark
{
    public const string Name = "query-throughput";

    public const string Query = "{ personas(first: 10) { nodes { id name description } } }";

    /// <summary>GraphQL needs at least this share of the baseline's requests/s.</summary>
    public const double Target = 0.80;

    /// <summary>Warm-up is over when each server's CPU time per request moves less than this between two chunks.</summary>
    public const double SettledWithin = 0.05;

    private static readonly TimeSpan WarmupChunk = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            Concurrency: arguments.Int("concurrency", 32),
            Duration: arguments.Duration("duration", TimeSpan.FromSeconds(10)),
            Warmup: arguments.Duration("warmup", TimeSpan.FromSeconds(3)),
            ServerWarmup: arguments.Duration("server-warmup", TimeSpan.FromSeconds(180)),
            Slice: arguments.Duration("slice", TimeSpan.FromSeconds(1)),
            Rounds: arguments.Int("rounds", 3),
            Pin: arguments.Optional("pin") ?? "auto",
            GraphQLDll: Path.GetFullPath(arguments.Optional("graphql-dll") ?? Paths.GraphAppDll),
            ServerEnvironment: arguments.All("server-env"),
            GraphQLEnvironment: arguments.All("graphql-env"),
            ResultsFile: Path.GetFullPath(arguments.Optional("results") ?? Path.Combine(Paths.ResultsDirectory, Name + ".md")));
        arguments.ThrowIfUnread();
        _ = Orchestration.ServerEnvironment("", [.. settings.ServerEnvironment, .. settings.GraphQLEnvironment]); // checks KEY=VALUE now
        if (!File.Exists(settings.GraphQLDll))
        {
            await Console.Error.WriteLineAsync($"{settings.GraphQLDll} is missing: build it first (bench/run.sh does: dotnet build src/Graph -c Release).");
            return 1;
        }
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Pinning(settings.Pin), Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(
        Settings settings, (string? Server, string? Load) pinning, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, loadCpus) = pinning;
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log($"seeding {workDirectory.FullName}");
            var seeded = Path.Combine(workDirectory.FullName, "seed.db");
            await BenchDatabase.CreateAsync(seeded, cancellationToken);
            // One file each, byte for byte the same: the servers share no SQLite locks, yet read the same rows.
            var graphDb = Path.Combine(workDirectory.FullName, "graphql.db");
            var baselineDb = Path.Combine(workDirectory.FullName, "baseline.db");
            File.Copy(seeded, graphDb);
            File.Copy(seeded, baselineDb);

            var graph = new Target("GraphQL", $"http://127.0.0.1:{Orchestration.FreePort()}", "/graphql");
            var baseline = new Target("baseline", $"http://127.0.0.1:{Orchestration.FreePort()}", BaselineServer.PersonasPath);
            var graphEnvironment = Orchestration.ServerEnvironment(graphDb, [.. settings.ServerEnvironment, .. settings.GraphQLEnvironment]);
            var baselineEnvironment = Orchestration.ServerEnvironment(baselineDb, settings.ServerEnvironment);
            using var graphServer = ChildProcess.Start(
                graph.Name, [Paths.DotnetHost, settings.GraphQLDll, "--urls", graph.BaseUrl], serverCpus,
                Path.GetDirectoryName(settings.GraphQLDll), graphEnvironment);
            using var baselineServer = ChildProcess.Start(
                baseline.Name, [.. Paths.Self, "baseline-server", "--urls", baseline.BaseUrl, "--sqlite", baselineDb], serverCpus,
                environment: baselineEnvironment);
            var servers = new Servers(graph, graphServer, baseline, baselineServer);

            await Orchestration.WaitUntilReadyAsync(graphServer, graph.BaseUrl + "/health/ready", cancellationToken);
            await Orchestration.WaitUntilReadyAsync(baselineServer, baseline.BaseUrl + BaselineServer.ReadyPath, cancellationToken);
            var responses = await CompareResponsesAsync(graph, baseline, cancellationToken);
            Log($"both servers answer with the same {responses.Nodes} nodes ({responses.GraphBytes} and {responses.BaselineBytes} bytes)");

            var warmup = await WarmUpAsync(servers, settings, loadCpus, cancellationToken);

            var rounds = new List<Round>();
            for (var number = 1; number <= settings.Rounds; number++)
            {
                // Within a round the load generator alternates slices A B, B A, …; rounds alternate who starts.
                Target[] order = number % 2 == 1 ? [baseline, graph] : [graph, baseline];
                var (result, cpu) = await LoadAsync(servers, order, settings.Warmup, settings.Duration, settings, loadCpus, cancellationToken);
                var round = Round.From(number, order, result, cpu);
                rounds.Add(round);
                foreach (var name in round.Order)
                {
                    var target = round.Of(name);
                    Log($"round {number} {name,-8} {target.Rps,7:0} req/s  p50 {target.P50Ms:0.00} ms  p99 {target.P99Ms:0.00} ms  "
                        + $"CPU {FormatMicroseconds(round.CpuPerRequest(name))}/request");
                }
                Log($"round {number} ratio {round.Ratio:P1}; slice pairs {round.PairRatios.Min():P0} – {round.PairRatios.Max():P0}");
            }

            var report = QueryThroughputReport.Render(new ReportInput(
                settings, command, machine, DateTimeOffset.UtcNow, serverCpus, loadCpus, responses, warmup, rounds));
            await Orchestration.WriteReportAsync(settings.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>
    /// Loads both servers in short chunks until each one's CPU time per request has settled (it falls while the JIT
    /// replaces quick code with optimized code) and neither runtime's tiered-compilation thread worked during the last
    /// chunk, for at least 3 chunks and at most <c>--server-warmup</c>. The JIT check matters: on one busy core the
    /// GraphQL app can run unoptimized code at a steady rate for most of a minute before the JIT catches up.
    /// </summary>
    private static async Task<Warmup> WarmUpAsync(Servers servers, Settings settings, string? loadCpus, CancellationToken cancellationToken)
    {
        Log($"warming up until CPU time per request settles (within {SettledWithin:P0}, at most {Arguments.FormatDuration(settings.ServerWarmup)})");
        var chunks = new List<WarmupChunk>();
        var started = DateTime.UtcNow;
        Target[] order = [servers.Baseline, servers.Graph];
        while (true)
        {
            var (result, cpu) = await LoadAsync(servers, order, TimeSpan.Zero, WarmupChunk, settings, loadCpus, cancellationToken);
            var chunk = new WarmupChunk(
                result.Targets[0].Rps, result.Targets[1].Rps,
                PerRequest(cpu.Baseline, result.Targets[0].Completed), PerRequest(cpu.Graph, result.Targets[1].Completed), cpu.JitQuiet);
            chunks.Add(chunk);
            Log($"warm-up {chunks.Count}: baseline {chunk.BaselineRps:0} req/s, {FormatMicroseconds(chunk.BaselineCpu)}/request; "
                + $"GraphQL {chunk.GraphRps:0} req/s, {FormatMicroseconds(chunk.GraphCpu)}/request; JIT {(chunk.JitQuiet ? "quiet" : "busy")}");
            var elapsed = DateTime.UtcNow - started;
            if (chunks.Count >= 3 && chunk.BaselineCpu is not null && chunk.JitQuiet && chunks[^2].Settled(chunk))
                return new Warmup(chunks, elapsed, Settled: true);
            if (elapsed >= settings.ServerWarmup)
            {
                Log("warm-up did not settle in time; measuring anyway (the report says so)");
                return new Warmup(chunks, elapsed, Settled: false);
            }
        }
    }

    /// <summary>Runs one load process over <paramref name="targets"/> and measures each server's CPU time meanwhile.</summary>
    private static async Task<(LoadResult Result, ServerCpu Cpu)> LoadAsync(
        Servers servers, IReadOnlyList<Target> targets, TimeSpan warmup, TimeSpan duration, Settings settings, string? cpus,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new JsonObject { ["query"] = Query });
        var graphBefore = ProcessCpu.Used(servers.GraphProcess.Id);
        var baselineBefore = ProcessCpu.Used(servers.BaselineProcess.Id);
        var graphJitBefore = ProcessCpu.JitSnapshot(servers.GraphProcess.Id);
        var baselineJitBefore = ProcessCpu.JitSnapshot(servers.BaselineProcess.Id);
        ServerCpu? cpu = null;
        var result = await LoadProcess.RunAsync(
            [.. targets.Select(t => new LoadTarget(new Uri(t.Url)))], body, settings.Concurrency, warmup, duration, settings.Slice, cpus,
            () =>
            {
                cpu = new ServerCpu(
                    ProcessCpu.Used(servers.GraphProcess.Id) - graphBefore,
                    ProcessCpu.Used(servers.BaselineProcess.Id) - baselineBefore,
                    JitQuiet: graphJitBefore is not null
                        && graphJitBefore == ProcessCpu.JitSnapshot(servers.GraphProcess.Id)
                        && baselineJitBefore == ProcessCpu.JitSnapshot(servers.BaselineProcess.Id));
                Orchestration.ThrowIfExited(servers.GraphProcess, servers.BaselineProcess);
            },
            cancellationToken);
        return (result, cpu!);
    }

    /// <summary>Both targets must answer the benchmark's request with the same page, or the comparison means nothing.</summary>
    private static async Task<ResponseCheck> CompareResponsesAsync(Target graph, Target baseline, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var graphBody = await PostAsync(client, graph, cancellationToken);
        var baselineBody = await PostAsync(client, baseline, cancellationToken);
        var graphJson = JsonNode.Parse(graphBody);
        var graphNodes = graphJson?["data"]?["personas"]?["nodes"] as JsonArray;
        var baselineNodes = JsonNode.Parse(baselineBody)?["data"]?["personas"]?["nodes"] as JsonArray;
        if (graphNodes is null || graphJson?["errors"] is not null)
            throw new BenchmarkFailedException($"GraphQL did not return data.personas.nodes: {graphBody}");
        if (!JsonNode.DeepEquals(graphNodes, baselineNodes))
            throw new BenchmarkFailedException($"the two targets return different rows.\nGraphQL:  {graphBody}\nbaseline: {baselineBody}");
        if (graphNodes.Count != BaselineServer.PageSize)
            throw new BenchmarkFailedException($"expected a full page of {BaselineServer.PageSize} personas, got {graphNodes.Count}.");
        return new ResponseCheck(
            graphNodes.Count, Encoding.UTF8.GetByteCount(graphBody), Encoding.UTF8.GetByteCount(baselineBody),
            string.Equals(graphBody, baselineBody, StringComparison.Ordinal),
            string.Join(", ", graphNodes.Select(n => n?["name"]?.GetValue<string>())));
    }

    private static async Task<string> PostAsync(HttpClient client, Target target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(JsonSerializer.Serialize(new JsonObject { ["query"] = Query }), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", LoadCommand.DefaultAccept);
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new BenchmarkFailedException($"{target.Name} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    internal static TimeSpan? PerRequest(TimeSpan? cpu, long requests) => cpu is { } used && requests > 0 ? used / requests : null;

    internal static string FormatMicroseconds(TimeSpan? perRequest) =>
        perRequest is { } value ? value.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture) + " µs" : "n/a";

    private static void Log(string message) => Orchestration.Log(message);
}

public sealed record Settings(
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan ServerWarmup,
    TimeSpan Slice,
    int Rounds,
    string Pin,
    string GraphQLDll,
    IReadOnlyList<string> ServerEnvironment,
    IReadOnlyList<string> GraphQLEnvironment,
    string ResultsFile);

public sealed record Target(string Name, string BaseUrl, string Path)
{
    public string Url => BaseUrl + Path;
}

public sealed record Servers(Target Graph, ChildProcess GraphProcess, Target Baseline, ChildProcess BaselineProcess);

/// <summary>
/// CPU time each server used during one load run (null where procfs is missing), and whether neither server's
/// tiered-compilation thread did any work meanwhile.
/// </summary>
public sealed record ServerCpu(TimeSpan? Graph, TimeSpan? Baseline, bool JitQuiet);

public sealed record ResponseCheck(int Nodes, int GraphBytes, int BaselineBytes, bool Identical, string Names);

public sealed record WarmupChunk(double BaselineRps, double GraphRps, TimeSpan? BaselineCpu, TimeSpan? GraphCpu, bool JitQuiet)
{
    public bool Settled(WarmupChunk next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Close(BaselineCpu, next.BaselineCpu) && Close(GraphCpu, next.GraphCpu);

        static bool Close(TimeSpan? before, TimeSpan? after) =>
            before is { } b && after is { } a && Math.Abs(a.Ticks - b.Ticks) <= QueryThroughputBenchmark.SettledWithin * b.Ticks;
    }
}

public sealed record Warmup(IReadOnlyList<WarmupChunk> Chunks, TimeSpan Elapsed, bool Settled);

/// <summary>One load run over both targets: each target's totals, the ratio of each A B (or B A) pair of slices, and CPU.</summary>
public sealed record Round(
    int Number, IReadOnlyList<string> Order, TargetResult Baseline, TargetResult GraphQL, IReadOnlyList<double> PairRatios, ServerCpu Cpu)
{
    public double Ratio => GraphQL.Rps / Baseline.Rps;

    public TargetResult Of(string name) => name == "GraphQL" ? GraphQL : Baseline;

    /// <summary>The server's CPU time over every request it answered in this round, warm-up included.</summary>
    public TimeSpan? CpuPerRequest(string name) => name == "GraphQL"
        ? QueryThroughputBenchmark.PerRequest(Cpu.Graph, GraphQL.Completed)
        : QueryThroughputBenchmark.PerRequest(Cpu.Baseline, Baseline.Completed);

    /// <summary>Baseline CPU per request over GraphQL's: the share of the baseline's throughput GraphQL would reach on CPU alone.</summary>
    public double? CpuRatio => CpuPerRequest("baseline") is { } b && CpuPerRequest("GraphQL") is { } g ? b / g : null;

    public static Round From(int number, IReadOnlyList<Target> order, LoadResult result, ServerCpu cpu)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(result);
        var graph = order.Select((t, i) => (t, i)).Single(x => x.t.Name == "GraphQL").i;
        var baseline = 1 - graph;
        // Measured slices come in passes of one slice per target, in alternating order.
        var pairs = result.Slices.Chunk(order.Count)
            .Select(pass => pass.Single(s => s.Target == graph).Rps / pass.Single(s => s.Target == baseline).Rps)
            .ToList();
        return new Round(number, [.. order.Select(t => t.Name)], result.Targets[baseline], result.Targets[graph], pairs, cpu);
    }
}

public sealed record ReportInput(
    Settings Settings,
    string Command,
    Machine Machine,
    DateTimeOffset Finished,
    string? ServerCpus,
    string? LoadCpus,
    ResponseCheck Responses,
    Warmup Warmup,
    IReadOnlyList<Round> Rounds);
