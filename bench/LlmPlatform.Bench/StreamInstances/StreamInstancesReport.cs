using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.StreamFanout;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;
using static LlmPlatform.Bench.StreamInstances.StreamInstancesBenchmark;

namespace LlmPlatform.Bench.StreamInstances;

/// <summary>Renders a run as the Markdown of <c>bench/results/stream-instances.md</c>.</summary>
public static class StreamInstancesReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings.Fanout;
        var across = run.Rounds.Where(r => r.Target == Across).ToList();
        var single = run.Rounds.Where(r => r.Target == OneInstance).ToList();
        double Median(List<StreamFanoutBenchmark.Run> runs, Func<StreamFanoutBenchmark.Run, double> value) => StreamFanoutReport.Median(runs, value);
        var p99Above = Median(across, r => r.Result.GapP99Ms) - Median(single, r => r.Result.GapP99Ms);
        var verified = run.Rounds.Concat(run.Warmup).All(r => r.Verified);
        var acrossRate = MedianTokensPerSecond(run.Streams, 0);
        var singleRate = MedianTokensPerSecond(run.Streams, 1);
        var ratio = acrossRate / singleRate;

        var md = new StringBuilder();
        md.AppendLine("# Streams across instances: started on A, watched on B").AppendLine();
        md.AppendLine(Invariant($"**Fan-out ({s.Connections:N0} viewers, {s.Tokens} tokens at {s.Delay.TotalMilliseconds:0} ms): watched on B, the added delay per token is p50 {Median(across, r => r.Result.GapP50Ms):0.00} ms, p99 {Median(across, r => r.Result.GapP99Ms):0.00} ms; ")
            + Invariant($"watched on A, where it runs, p50 {Median(single, r => r.Result.GapP50Ms):0.00} ms, p99 {Median(single, r => r.Result.GapP99Ms):0.00} ms.** ")
            + Invariant($"Across instances adds {p99Above:0.00} ms at p99 (medians of {across.Count} rounds; target at most {TargetP99AboveSingleMs:0} ms: **{(p99Above <= TargetP99AboveSingleMs ? "met" : "missed")}**)."));
        md.AppendLine();
        md.AppendLine(Invariant($"**One {run.Settings.StreamTokens:N0}-token stream (echo, no delay): {acrossRate:N0} tokens/s watched on B against {singleRate:N0} tokens/s watched on A: {ratio:P1}** ")
            + Invariant($"(medians of {run.Streams.Runs.Count / 2} streams each; target ≥ {TargetThroughputRatio:P0}: **{(ratio >= TargetThroughputRatio ? "met" : "missed")}**)."));
        md.AppendLine();
        md.AppendLine(verified
            ? Invariant($"**No token lost, duplicated, reordered or altered**: each of the {run.Rounds.Sum(r => r.Result.Connections):N0} measured viewers (and the warm-up's) received indexes 0…{s.Tokens - 1} in order, each chunk's text equal to the echo reply's token, then `complete`; every long stream too (0…{run.Settings.StreamTokens - 1}).")
            : "**Verification failed**: " + string.Join("; ", run.Rounds.Concat(run.Warmup).Where(r => !r.Verified).Select(r =>
                Invariant($"{r.Target} round {r.Round}: {r.Result.Completed}/{r.Result.Connections} complete, {r.Result.Lost} lost, {r.Result.OutOfOrder} out of order, {r.Result.WrongText} wrong text, {r.Result.Failed} failed (first: {r.Result.FirstFailure})"))) + ".");
        md.AppendLine();

        md.AppendLine("## Fan-out").AppendLine();
        md.AppendLine(Invariant($"| median of rounds | {OneInstance} (start and watch on A) | {Across} (start on A, watch on B) |"));
        md.AppendLine("|---|---:|---:|");
        void Row(string label, Func<StreamFanoutBenchmark.Run, double> value, string format, Func<StreamFanoutBenchmark.Run, double>? second = null, string suffix = "") =>
            StreamFanoutReport.Row(md, label, single, across, value, format, second, suffix);
        Row("added delay per token, p50 (ms)", r => r.Result.GapP50Ms, "0.00");
        Row("added delay per token, p90 (ms)", r => r.Result.GapP90Ms, "0.00");
        Row("added delay per token, **p99** (ms)", r => r.Result.GapP99Ms, "0.00");
        Row("added delay per token, p99.9 (ms)", r => r.Result.GapP999Ms, "0.00");
        Row("added delay per token, max (ms)", r => r.Result.GapMaxMs, "0.0");
        Row("mean gap − delay (ms; > 0: the stream runs slow)", r => r.Result.GapMeanMs, "0.000");
        Row("the same, steady window only: p50 / p99 (ms)", r => r.Result.SteadyP50Ms, "0.00", r => r.Result.SteadyP99Ms);
        Row(Invariant($"drift per stream (last − first − {s.Tokens - 1} × delay): p50 / p99 (ms)"), r => r.Result.DriftP50Ms, "0.0", r => r.Result.DriftP99Ms);
        Row("`startGeneration` + subscribe → first chunk: p50 / p99 (ms)", r => r.Result.FirstChunkP50Ms, "0.0", r => r.Result.FirstChunkP99Ms);
        Row("all viewers streaming after (ms from the first start)", r => r.Result.AllStartedAfterMs, "N0");
        Row("CPU of A + B while streaming (share of one core)", r => (r.ServerCpuShare ?? double.NaN) * 100, "0", suffix: " %");
        Row("RSS of A + B before / peak during (MiB)", r => (r.RssBefore ?? 0) / 1048576.0, "0", r => (r.PeakRss ?? 0) / 1048576.0);
        Row("client CPU while streaming (share of one core)", r => r.Result.ClientCpuSeconds / r.Result.DurationSeconds * 100, "0", suffix: " %");
        md.AppendLine();
        md.AppendLine("| round | side | p50 ms | p99 ms | max ms | steady p99 ms | first chunk p50 / p99 ms | CPU A + B | verified |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (label, r) in run.Warmup.Select(w => ("warm-up", w)).Concat(run.Rounds.Select(r => (r.Round.ToString(CultureInfo.InvariantCulture), r))))
        {
            var x = r.Result;
            md.AppendLine(Invariant($"| {label} | {r.Target} | {x.GapP50Ms:0.00} | {x.GapP99Ms:0.00} | {x.GapMaxMs:0.0} | {x.SteadyP99Ms:0.00} | {x.FirstChunkP50Ms:0} / {x.FirstChunkP99Ms:0} | ")
                + Invariant($"{(r.ServerCpuShare ?? double.NaN) * 100:0} % | {(r.Verified ? "yes" : "**no**")} |"));
        }
        md.AppendLine();

        md.AppendLine(Invariant($"## One {run.Settings.StreamTokens:N0}-token stream")).AppendLine();
        md.AppendLine(Invariant($"| median of {run.Streams.Runs.Count / 2} streams | {OneInstance} | {Across} |"));
        md.AppendLine("|---|---:|---:|");
        void StreamRow(string label, Func<ThroughputRun, double> value, string format)
        {
            string Cell(int target) => StreamThroughputBenchmark.Median(run.Streams.Runs.Where(r => r.Target == target).Select(value)).ToString(format, CultureInfo.InvariantCulture);
            md.AppendLine($"| {label} | {Cell(1)} | {Cell(0)} |");
        }
        StreamRow("**tokens/s** (first chunk → last chunk)", r => r.TokensPerSecond, "N0");
        StreamRow("`startGeneration` + subscribe → first chunk (ms)", r => r.FirstChunkUs / 1000, "0.0");
        StreamRow("`startGeneration` + subscribe → `complete` (ms)", r => r.TotalUs / 1000, "0.0");
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **Two instances** of the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release, Production, log level Warning), each its own process, "
            + "on **one PostgreSQL and one Redis** the run starts itself (throwaway, loopback, `fsync=off`), migrated once with `dotnet LlmPlatform.Graph.dll migrate`; both with "
            + "`ConnectionStrings:Postgres`, `ConnectionStrings:Redis`, the run's token certificates, one `Auth:Issuer`, `Data:MigrateOnStartup=false` and "
            + "`Llm:Generation:CancelWhenUnwatchedAfter=00:30:00`. Generation streams therefore go through Redis Streams on both sides: only where the viewer is differs.");
        md.AppendLine(Invariant($"- **Both sides** start every generation on A with `startGeneration` over HTTP (`{GenerateStream.StartGenerationMutation}`) and subscribe at once with `{GenerateStream.WatchQuery}` over graphql-transport-ws: ")
            + $"**{Across}** on B, **{OneInstance}** on A. Because the viewer subscribes only once `startGeneration` has answered, it may get its first chunks from the stream's replay, in a burst; "
            + "those gaps are short (negative added delay) and the same on both sides, so the p99 is the live tail.");
        md.AppendLine(Invariant($"- **Fan-out**: `stream-client fanout --start-url` ({s.Connections:N0} connections, all acknowledged first, then every start + subscribe at once), the estimator of `stream-fanout` ")
            + Invariant($"(gap − delay per chunk; see `stream-fanout.md`); echo provider at {s.Tokens} tokens {s.Delay.TotalMilliseconds:0} ms apart. ")
            + Invariant($"{(s.WarmupRuns == 0 ? "No warm-up" : $"{s.WarmupRuns} unmeasured runs per side first")}; then {s.Rounds} rounds of one run per side, alternating which goes first."));
        md.AppendLine(Invariant($"- **Long stream**: `stream-client throughput --start-url` with the instances restarted with the echo provider at {run.Settings.StreamTokens:N0} tokens and no delay; ")
            + Invariant($"one client process alternates the sides stream by stream (B A, A B, …), {run.Settings.Repetitions} streams each, after an unmeasured process of {run.Settings.WarmupRepetitions} per side; ")
            + "tokens/s = (chunks − 1) ÷ (last chunk − first chunk). Every stream is checked: indexes 0…N−1 in order, the echo reply's text, then `complete`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none."
            : $"- CPU pinning (`taskset`): both instances on CPU {run.ServerCpus}, the client on CPU {run.ClientCpus}; PostgreSQL and Redis unpinned.");
        if (s.Servers.ServerEnvironment.Count + s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- Settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment.Concat(s.Servers.GraphQLEnvironment))}`.");
        md.AppendLine();
        StreamThroughputReport.AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }
}
