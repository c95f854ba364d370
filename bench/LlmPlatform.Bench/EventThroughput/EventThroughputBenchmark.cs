using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Auth;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.QueryThroughput;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.EventThroughput;

/// <summary>
/// <c>run event-throughput</c>: <c>trackEvent</c> (one insert per request) against <c>personas(first: 10)</c>, both
/// as the local user on one app process, loaded by a separate load process in alternating slices (the driver of
/// <c>query-throughput</c>, one body per target). Writes <c>bench/results/event-throughput.md</c>.
/// </summary>
public static class EventThroughputBenchmark
{
    public const string Name = "event-throughput";

    /// <summary>trackEvent needs at least this share of the personas query's requests/s.</summary>
    public const double Target = 0.80;

    public const string TrackEvent = """
        mutation($input: TrackEventInput!) { trackEvent(input: $input) { event { id } userErrors { code } } }
        """;

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var servers = ServerSettings.Read(arguments, Name);
        var concurrency = arguments.Int("concurrency", 32);
        var duration = arguments.Duration("duration", TimeSpan.FromSeconds(10));
        var warmup = arguments.Duration("warmup", TimeSpan.FromSeconds(3));
        var serverWarmup = arguments.Duration("server-warmup", TimeSpan.FromSeconds(60));
        var slice = arguments.Duration("slice", TimeSpan.FromSeconds(1));
        var rounds = arguments.Int("rounds", 3);
        arguments.ThrowIfUnread();
        var command = Orchestration.Command(Environment.GetCommandLineArgs());
        return await Orchestration.RunAsync(async cancellationToken =>
        {
            var machine = await Machine.DescribeAsync(cancellationToken);
            var (serverCpus, loadCpus) = Orchestration.Pinning(servers.Pin);
            var workDirectory = Orchestration.CreateWorkDirectory();
            try
            {
                Orchestration.Log("starting the server");
                // All the load comes from one caller: the per-caller event limit would measure itself.
                using var app = await StreamServers.StartAsync(
                    servers with { GraphQLEnvironment = [.. servers.GraphQLEnvironment, "Analytics__Events__RequestsPerMinute=0"] },
                    workDirectory, [], serverCpus, withBaseline: false, cancellationToken);
                var personasBody = JsonSerializer.Serialize(new JsonObject { ["query"] = QueryThroughputBenchmark.Query });
                var trackBody = JsonSerializer.Serialize(new JsonObject
                {
                    ["query"] = TrackEvent,
                    ["variables"] = new JsonObject { ["input"] = new JsonObject { ["name"] = "bench.page_view", ["properties"] = new JsonObject { ["path"] = "/pricing", ["plan"] = "pro", ["seats"] = 3 } } },
                });
                await CheckAsync(app.GraphHttp, trackBody, cancellationToken);
                LoadTarget[] targets = [new(app.GraphHttp, null, personasBody), new(app.GraphHttp, null, trackBody)];

                Orchestration.Log($"warming up for {Arguments.FormatDuration(serverWarmup)}");
                await LoadProcess.RunAsync(targets, personasBody, concurrency, TimeSpan.Zero, serverWarmup / 2, slice, loadCpus, app.ThrowIfExited, cancellationToken);
                var results = new List<(int Number, TargetResult Personas, TargetResult Track, IReadOnlyList<double> Pairs)>();
                for (var number = 1; number <= rounds; number++)
                {
                    // Rounds alternate which side gets the first slice.
                    LoadTarget[] order = number % 2 == 0 ? [targets[1], targets[0]] : targets;
                    var result = await LoadProcess.RunAsync(order, personasBody, concurrency, warmup, duration, slice, loadCpus, app.ThrowIfExited, cancellationToken);
                    var track = number % 2 == 0 ? 0 : 1;
                    var pairs = result.Slices.Chunk(2).Where(p => p.Length == 2)
                        .Select(p => p.Single(s => s.Target == track).Rps / p.Single(s => s.Target != track).Rps).ToList();
                    results.Add((number, result.Targets[1 - track], result.Targets[track], pairs));
                    Orchestration.Log($"round {number}: personas {result.Targets[1 - track].Rps:0} req/s, trackEvent {result.Targets[track].Rps:0} req/s");
                }
                var report = Render(command, machine, serverCpus, loadCpus, concurrency, duration, slice, results);
                await Orchestration.WriteReportAsync(servers.ResultsFile, report, cancellationToken);
                return 0;
            }
            finally
            {
                Orchestration.DeleteWorkDirectory(workDirectory);
            }
        });
    }

    /// <summary>One trackEvent before the load: it must store an event, or the load would measure refusals.</summary>
    private static async Task CheckAsync(Uri graphql, string body, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var (status, response) = await BenchAccount.PostRawAsync(client, graphql, null, TrackEvent,
            JsonNode.Parse(body)!["variables"]!.DeepClone().AsObject(), cancellationToken);
        if (status != 200 || JsonNode.Parse(response)?["data"]?["trackEvent"]?["event"]?["id"] is null)
            throw new BenchmarkFailedException($"trackEvent stored nothing ({status}): {response}");
    }

    private static string Render(
        string command, Machine machine, string? serverCpus, string? loadCpus, int concurrency, TimeSpan duration, TimeSpan slice,
        IReadOnlyList<(int Number, TargetResult Personas, TargetResult Track, IReadOnlyList<double> Pairs)> rounds)
    {
        var personas = Median(rounds.Select(r => r.Personas.Rps));
        var track = Median(rounds.Select(r => r.Track.Rps));
        var ratio = track / personas;
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"# Event throughput: `trackEvent` against `personas(first: 10)`");
        text.AppendLine();
        text.AppendLine(c, $"**trackEvent serves {ratio:P1} of the personas query's requests/s** (medians of {rounds.Count} rounds; target ≥ {Target:P0}: **{(ratio >= Target ? "met" : "not met")}**).");
        text.AppendLine();
        text.AppendLine("Both sides run on one app process (SQLite, Production, as the local user, the event limit off), loaded by one");
        text.AppendLine(c, $"load process at concurrency {concurrency} in alternating {Arguments.FormatDuration(slice)} slices, {Arguments.FormatDuration(duration)} measured per side per round;");
        text.AppendLine("each trackEvent inserts one row (a 3-key `properties` object) and returns its id.");
        text.AppendLine();
        text.AppendLine("| round | personas req/s | personas p50 / p99 ms | trackEvent req/s | trackEvent p50 / p99 ms | ratio | slice-pair ratios |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rounds)
        {
            text.AppendLine(c, $"| {r.Number} | {r.Personas.Rps:N0} | {r.Personas.P50Ms:0.00} / {r.Personas.P99Ms:0.00} | {r.Track.Rps:N0} | {r.Track.P50Ms:0.00} / {r.Track.P99Ms:0.00} | {r.Track.Rps / r.Personas.Rps:P1} | {string.Join(' ', r.Pairs.Select(p => p.ToString("P0", c)))} |");
        }
        text.AppendLine();
        text.AppendLine(c, $"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory}, {machine.OperatingSystem}, {machine.Runtime}; commit {machine.Commit}{(machine.Dirty ? " (with uncommitted changes)" : "")}; server CPUs {serverCpus ?? "any"}, load CPUs {loadCpus ?? "any"}; finished {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine(command);
        text.AppendLine("```");
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
