using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.QueryThroughput;

/// <summary>Renders a run as the Markdown of <c>bench/results/query-throughput.md</c>.</summary>
public static class QueryThroughputReport
{
    public static string Render(ReportInput run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var m = run.Machine;
        var baseline = Summary.Of([.. run.Rounds.Select(r => r.Baseline)]);
        var graph = Summary.Of([.. run.Rounds.Select(r => r.GraphQL)]);
        var ratio = graph.Rps / baseline.Rps;
        var pairs = run.Rounds.SelectMany(r => r.PairRatios).Order().ToList();
        var met = ratio >= QueryThroughputBenchmark.Target;

        var md = new StringBuilder();
        md.AppendLine("# Query throughput: `personas(first: 10)` over GraphQL against a bare endpoint").AppendLine();
        md.AppendLine(Invariant($"**GraphQL serves {ratio:P1} of the bare endpoint's requests/s** (medians of {run.Rounds.Count} rounds; ")
            + Invariant($"target ≥ {QueryThroughputBenchmark.Target:P0}: **{(met ? "met" : "not met")}**)."));
        md.AppendLine();
        var baselineCpu = MedianOrNull(run.Rounds.Select(r => r.CpuPerRequest("baseline")));
        var graphCpu = MedianOrNull(run.Rounds.Select(r => r.CpuPerRequest("GraphQL")));
        md.AppendLine("Cross-checks, which should agree with it within a few points:");
        md.AppendLine(Invariant($"- per round: {string.Join(", ", run.Rounds.Select(r => r.Ratio.ToString("P1", CultureInfo.InvariantCulture)))};"));
        md.AppendLine(Invariant($"- over all {pairs.Count} back-to-back {Arguments.FormatDuration(s.Slice)} slice pairs: median {Quantile(pairs, 0.5):P1}, middle half {Quantile(pairs, 0.25):P1} – {Quantile(pairs, 0.75):P1};"));
        if (baselineCpu is { } cpuB && graphCpu is { } cpuG)
            md.AppendLine(Invariant($"- server CPU time per request, baseline ÷ GraphQL: {cpuB / cpuG:P1} ({Us(cpuB)} against {Us(cpuG)})."));
        md.AppendLine();
        md.AppendLine("| | bare endpoint (baseline) | GraphQL | GraphQL / baseline |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(Invariant($"| requests/s (median of rounds) | {baseline.Rps:N0} | {graph.Rps:N0} | {ratio:P1} |"));
        md.AppendLine(Invariant($"| p50 latency, ms (median of rounds) | {baseline.P50:0.00} | {graph.P50:0.00} | {graph.P50 / baseline.P50:0.00}× |"));
        md.AppendLine(Invariant($"| p99 latency, ms (median of rounds) | {baseline.P99:0.00} | {graph.P99:0.00} | {graph.P99 / baseline.P99:0.00}× |"));
        md.AppendLine(Invariant($"| requests/s, lowest – highest round | {baseline.RpsMin:N0} – {baseline.RpsMax:N0} | {graph.RpsMin:N0} – {graph.RpsMax:N0} | |"));
        if (baselineCpu is { } bc && graphCpu is { } gc)
            md.AppendLine(Invariant($"| server CPU time per request (median of rounds) | {Us(bc)} | {Us(gc)} | {bc / gc:P1} (baseline / GraphQL) |"));
        md.AppendLine(Invariant($"| response body, bytes | {run.Responses.BaselineBytes} | {run.Responses.GraphBytes} | |"));
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine(Invariant($"Each round is one load process that gives the two targets alternating {Arguments.FormatDuration(s.Slice)} slices (A B, B A, A B, …), ")
            + "so both see the same disturbances of a shared machine; the first slice of each round alternates between rounds. "
            + Invariant($"The first {Arguments.FormatDuration(LoadCommand.DefaultSettle)} of each slice, while the other target's last responses drain, is not measured. ")
            + "CPU/request is the server process's CPU time (user + system, from /proc) over every request it answered during the round.");
        md.AppendLine();
        md.AppendLine("| round | target | measured s | requests | errors | requests/s | p50 ms | p90 ms | p99 ms | max ms | CPU/request | round ratio | slice-pair ratios |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var round in run.Rounds)
        {
            foreach (var name in round.Order)
            {
                var result = round.Of(name);
                var last = name == round.Order[^1];
                var ratioCell = last ? round.Ratio.ToString("P1", CultureInfo.InvariantCulture) : "";
                var pairCell = last ? string.Join(" ", round.PairRatios.Select(p => p.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal))) : "";
                md.AppendLine(Invariant($"| {round.Number} | {name} | {result.MeasuredSeconds:0.0} | {result.Requests:N0} | {result.Errors + result.WarmupErrors} | {result.Rps:N0} | {result.P50Ms:0.00} | {result.P90Ms:0.00} | {result.P99Ms:0.00} | {result.MaxMs:0.00} | {QueryThroughputBenchmark.FormatMicroseconds(round.CpuPerRequest(name))} | {ratioCell} | {pairCell} |"));
            }
        }
        md.AppendLine();

        md.AppendLine("## Warm-up").AppendLine();
        md.AppendLine(Invariant($"Before the rounds, both servers were loaded in alternating slices, {run.Warmup.Chunks.Count} chunks in {run.Warmup.Elapsed.TotalSeconds:0} s, ")
            + (run.Warmup.Settled
                ? Invariant($"until each one's CPU time per request moved less than {QueryThroughputBenchmark.SettledWithin:P0} between chunks and neither runtime's tiered-compilation thread worked during the last one.")
                : Invariant($"and **did not settle** within {Arguments.FormatDuration(s.ServerWarmup)}: the rounds may include JIT warm-up; treat the figures with care.")));
        md.AppendLine();
        md.AppendLine("| chunk | baseline req/s | baseline CPU/request | GraphQL req/s | GraphQL CPU/request | JIT |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|");
        foreach (var (chunk, index) in run.Warmup.Chunks.Select((c, i) => (c, i + 1)))
        {
            md.AppendLine(Invariant($"| {index} | {chunk.BaselineRps:N0} | {QueryThroughputBenchmark.FormatMicroseconds(chunk.BaselineCpu)} | {chunk.GraphRps:N0} | {QueryThroughputBenchmark.FormatMicroseconds(chunk.GraphCpu)} | {(chunk.JitQuiet ? "quiet" : "busy")} |"));
        }
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **GraphQL**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.GraphQLDll)}`, Release build, its own process), `POST /graphql` with `{{\"query\":\"{QueryThroughputBenchmark.Query}\"}}`.");
        md.AppendLine("- **Baseline**: `LlmPlatform.Bench baseline-server`, the same host shape (`WebApplication.CreateBuilder`, the project's `AddData()`, "
            + "a plain `RequestDelegate` endpoint) answering `POST /personas` with the same rows through the same pooled `IDbContextFactory<PlatformDbContext>` and the same "
            + "EF query as `PersonaReader` (visible personas by name then id, 11 rows read for a page of 10), written with System.Text.Json in the GraphQL response's shape. "
            + "It ignores the request body; the ratio is the whole cost of GraphQL: reading the request, the document cache, validation, execution and serialization.");
        md.AppendLine(Invariant($"- Same answer, checked before loading: both return the same {run.Responses.Nodes} nodes ({run.Responses.Names}); ")
            + Invariant($"bodies {(run.Responses.Identical ? "byte-identical" : "equal as JSON, not byte-identical")}."));
        md.AppendLine(Invariant($"- Data: a freshly migrated SQLite file with the 5 built-in personas, {BenchDatabase.OwnPersonas} of the local user's and {BenchDatabase.OtherUsersPersonas} of another user's (hidden by the filter); each server reads its own byte-identical copy."));
        md.AppendLine("- Both servers: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the same runtime settings (server GC, tiered compilation with PGO, the defaults), Kestrel on 127.0.0.1, HTTP/1.1.");
        if (s.ServerEnvironment.Count > 0)
            md.AppendLine($"- Both servers' settings changed for this run: `{string.Join("`, `", s.ServerEnvironment)}`.");
        if (s.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- GraphQL server settings changed for this run: `{string.Join("`, `", s.GraphQLEnvironment)}`.");
        md.AppendLine(Invariant($"- Load: a separate process (`load`) over loopback, closed loop, {s.Concurrency} concurrent requests on {s.Concurrency} keep-alive connections; ")
            + Invariant($"per round {Arguments.FormatDuration(s.Warmup)} of warm-up (alternating too), then {Arguments.FormatDuration(s.Duration)} of slices per target; {s.Rounds} rounds. ")
            + Invariant($"`Accept: {LoadCommand.DefaultAccept}`. Every latency is kept; percentiles are nearest-rank. A non-2xx response or a body with `\"errors\"` is an error, and a run with any error fails."));
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; servers and load generator share all cores."
            : $"- CPU pinning (`taskset`): both servers on CPU {run.ServerCpus}, the load generator on CPU {run.LoadCpus}, so the load generator never takes the server's core.");
        md.AppendLine();

        StreamThroughput.StreamThroughputReport.AppendMachine(md, m, run.Finished, run.Command);
        return md.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Us(TimeSpan perRequest) => QueryThroughputBenchmark.FormatMicroseconds(perRequest);

    private static TimeSpan? MedianOrNull(IEnumerable<TimeSpan?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value.TotalMicroseconds).Order().ToList();
        return known.Count == 0 ? null : TimeSpan.FromMicroseconds(Quantile(known, 0.5));
    }

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    private static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    private sealed record Summary(double Rps, double P50, double P99, double RpsMin, double RpsMax)
    {
        public static Summary Of(IReadOnlyList<TargetResult> results) => new(
            Median(results.Select(r => r.Rps)),
            Median(results.Select(r => r.P50Ms)),
            Median(results.Select(r => r.P99Ms)),
            results.Min(r => r.Rps),
            results.Max(r => r.Rps));

        private static double Median(IEnumerable<double> values) => Quantile([.. values.Order()], 0.5);
    }
}
