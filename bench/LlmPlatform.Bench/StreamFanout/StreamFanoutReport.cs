using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;
using static LlmPlatform.Bench.StreamFanout.StreamFanoutBenchmark;

namespace LlmPlatform.Bench.StreamFanout;

/// <summary>Renders a run as the Markdown of <c>bench/results/stream-fanout.md</c>.</summary>
public static class StreamFanoutReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var graph = run.Rounds.Where(r => r.Target == "GraphQL").ToList();
        var baseline = run.Rounds.Where(r => r.Target == "baseline").ToList();
        var p50 = Median(graph, r => r.Result.GapP50Ms);
        var p99 = Median(graph, r => r.Result.GapP99Ms);
        var baseP50 = Median(baseline, r => r.Result.GapP50Ms);
        var baseP99 = Median(baseline, r => r.Result.GapP99Ms);
        var met = p99 < TargetP99Ms;
        var verified = run.Rounds.Concat(run.Warmup).All(r => r.Verified);
        var streams = run.Rounds.Sum(r => r.Result.Connections);

        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Stream fan-out: {s.Connections:N0} concurrent `generate` subscriptions, {s.Tokens} tokens at {s.Delay.TotalMilliseconds:0} ms")).AppendLine();
        md.AppendLine(Invariant($"**GraphQL adds p50 {p50:0.00} ms, p99 {p99:0.00} ms of delay per token** (medians of {graph.Count} rounds; target p99 < {TargetP99Ms:0} ms: **{(met ? "met" : "not met")}**). ")
            + Invariant($"The bare WebSocket baseline, pacing the same frames with the same timer, adds p50 {baseP50:0.00} ms, p99 {baseP99:0.00} ms on the same machine: ")
            + Invariant($"the app's own share of the p99 is about {p99 - baseP99:0.00} ms."));
        md.AppendLine();
        md.AppendLine(Invariant($"In the steady window (every subscription streaming, none finished) GraphQL adds p50 {Median(graph, r => r.Result.SteadyP50Ms):0.00} ms, p99 {Median(graph, r => r.Result.SteadyP99Ms):0.00} ms ")
            + Invariant($"against the baseline's p50 {Median(baseline, r => r.Result.SteadyP50Ms):0.00} ms, p99 {Median(baseline, r => r.Result.SteadyP99Ms):0.00} ms; the rest of GraphQL's tail comes from the start-up herd: ")
            + Invariant($"its {s.Connections:N0} generations took {Median(graph, r => r.Result.AllStartedAfterMs) / 1000:0.0} s to all start (baseline: {Median(baseline, r => r.Result.AllStartedAfterMs) / 1000:0.0} s), ")
            + Invariant($"during which the server also paced the streams already started. Over the whole run GraphQL's streams ran {Median(graph, r => r.Result.GapMeanMs):0.0} ms slow per token on average ")
            + Invariant($"(baseline {Median(baseline, r => r.Result.GapMeanMs):0.0} ms), the server at {Median(graph, r => r.ServerCpuShare ?? double.NaN):P0} of its core (baseline {Median(baseline, r => r.ServerCpuShare ?? double.NaN):P0})."));
        md.AppendLine();
        md.AppendLine(verified
            ? Invariant($"**No token lost, duplicated, reordered or altered**: each of the {streams:N0} measured subscriptions (and the warm-up's) received indexes 0…{s.Tokens - 1} in order, each chunk's text equal to the echo reply's token, then `complete`.")
            : "**Verification failed**: " + string.Join("; ", run.Rounds.Concat(run.Warmup).Where(r => !r.Verified).Select(r =>
                Invariant($"{r.Target} round {r.Round}: {r.Result.Completed}/{r.Result.Connections} complete, {r.Result.Lost} lost, {r.Result.OutOfOrder} out of order, {r.Result.WrongText} wrong text, {r.Result.Failed} failed (first: {r.Result.FirstFailure})"))) + ".");
        md.AppendLine();

        md.AppendLine("| median of rounds | bare WebSocket (baseline) | GraphQL |");
        md.AppendLine("|---|---:|---:|");
        Row(md, "added delay per token, p50 (ms)", baseline, graph, r => r.Result.GapP50Ms, "0.00");
        Row(md, "added delay per token, p90 (ms)", baseline, graph, r => r.Result.GapP90Ms, "0.00");
        Row(md, "added delay per token, **p99** (ms)", baseline, graph, r => r.Result.GapP99Ms, "0.00");
        Row(md, "added delay per token, p99.9 (ms)", baseline, graph, r => r.Result.GapP999Ms, "0.00");
        Row(md, "added delay per token, max (ms)", baseline, graph, r => r.Result.GapMaxMs, "0.0");
        Row(md, "mean gap − delay (ms; > 0: the stream runs slow)", baseline, graph, r => r.Result.GapMeanMs, "0.000");
        Row(md, "the same, steady window only: p50 / p99 (ms)", baseline, graph, r => r.Result.SteadyP50Ms, "0.00", r => r.Result.SteadyP99Ms);
        Row(md, "steady window: length (ms), gaps in it", baseline, graph, r => r.Result.SteadyWindowMs, "N0", r => r.Result.SteadySamples);
        Row(md, "lateness against first chunk + index × delay: p50 / p99 (ms)", baseline, graph, r => r.Result.LatenessP50Ms, "0.0", r => r.Result.LatenessP99Ms);
        Row(md, Invariant($"drift per stream (last − first − {s.Tokens - 1} × delay): p50 / p99 (ms)"), baseline, graph, r => r.Result.DriftP50Ms, "0.0", r => r.Result.DriftP99Ms);
        Row(md, "subscribe → first chunk: p50 / p99 (ms)", baseline, graph, r => r.Result.FirstChunkP50Ms, "0.0", r => r.Result.FirstChunkP99Ms);
        Row(md, "all subscriptions streaming after (ms from the first subscribe)", baseline, graph, r => r.Result.AllStartedAfterMs, "N0");
        Row(md, "most subscriptions streaming at once", baseline, graph, r => r.Result.PeakConcurrent, "N0");
        Row(md, "server CPU while streaming (share of one core)", baseline, graph, r => (r.ServerCpuShare ?? double.NaN) * 100, "0", suffix: " %");
        Row(md, "server RSS before / peak during (MiB)", baseline, graph, r => (r.RssBefore ?? 0) / 1048576.0, "0", r => (r.PeakRss ?? 0) / 1048576.0);
        Row(md, "client CPU while streaming (share of one core)", baseline, graph, r => r.Result.ClientCpuSeconds / r.Result.DurationSeconds * 100, "0", suffix: " %");
        Row(md, "connect + `connection_ack` of all sockets (s)", baseline, graph, r => r.Result.ConnectSeconds, "0.0");
        md.AppendLine();

        md.AppendLine("## How the added delay is estimated").AppendLine();
        md.AppendLine("The server stamps nothing, so the client estimates from arrival times alone. The client records each chunk's arrival "
            + "(`Stopwatch`, per subscription, in arrays allocated up front; the frame is parsed after the time is taken). ");
        md.AppendLine();
        md.AppendLine(Invariant($"- **Headline: gap − delay.** For each subscription and each chunk k ≥ 1, (arrival k − arrival k−1) − {s.Delay.TotalMilliseconds:0} ms: the delay added at that token. ")
            + "The echo provider waits its delay *after* yielding the previous token, so a delay added by the provider's side (a late timer, a busy thread pool, the event log) pushes every later "
            + "token back by the same amount and shows once, in one gap; a delay added only on the way out (GraphQL execution, serialization, the connection's queue, the socket) shows in the gap "
            + "into the late chunk and is given back in the next gap (a negative value), so the positive tail is still the delay added. Percentiles are over every gap of every subscription "
            + Invariant($"({s.Connections:N0} × {s.Tokens - 1} per round), nearest rank."));
        md.AppendLine("- **What it charges to the server**: everything between two tokens, including the timer's own lateness (`Task.Delay` on Linux fires up to a millisecond or so late, more under load) "
            + "and the time the client itself takes to be scheduled. That is why the same estimator runs against the baseline, which paces the same frames with the same `Task.Delay` on the same host "
            + "shape and core: its figures are the floor of the machine, timer and client; GraphQL minus baseline is what the app adds.");
        md.AppendLine("- **What it does not see**: a delay that is the same for every token of a stream (a constant offset) does not show in gaps; the start of a stream is measured apart "
            + "(subscribe → first chunk), and a steady slowdown shows as *mean gap − delay* > 0 and as drift (last − first chunk against 199 × delay).");
        md.AppendLine("- **Lateness against the ideal schedule** (first chunk + index × delay) is given too, as asked for; it accumulates the timer's drift over 200 tokens "
            + "(each `Task.Delay` is a little late, and the next one starts from there), so it grows along a stream even with nothing wrong: read it against the baseline's.");
        md.AppendLine("- **Steady window**: from the moment the last subscription got its first chunk to the moment the first one got its last; gaps inside it are free of the start-up herd "
            + "(all generations being created at once). When it is short or empty, every stream overlapped the start-up of others.");
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine("| round | target | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | steady p99 ms | first chunk p50 / p99 ms | server CPU | RSS before → peak MiB | client CPU | verified |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in run.Warmup.Select(w => (Label: "warm-up", Run: w)).Concat(run.Rounds.Select(r => (Label: r.Round.ToString(CultureInfo.InvariantCulture), Run: r))))
        {
            var x = r.Run.Result;
            md.AppendLine(Invariant($"| {r.Label} | {r.Run.Target} | {x.GapP50Ms:0.00} | {x.GapP90Ms:0.00} | {x.GapP99Ms:0.00} | {x.GapP999Ms:0.00} | {x.GapMaxMs:0.0} | {x.SteadyP99Ms:0.00} | ")
                + Invariant($"{x.FirstChunkP50Ms:0} / {x.FirstChunkP99Ms:0} | {(r.Run.ServerCpuShare ?? double.NaN) * 100:0} % | {(r.Run.RssBefore ?? 0) / 1048576.0:0} → {(r.Run.PeakRss ?? 0) / 1048576.0:0} | ")
                + Invariant($"{x.ClientCpuSeconds / x.DurationSeconds * 100:0} % | {(r.Run.Verified ? "yes" : "**no**")} |"));
        }
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **GraphQL**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release build, its own process) over `ws://…/graphql`, subprotocol `graphql-transport-ws`, "
            + Invariant($"its echo provider set to {s.Tokens} tokens {s.Delay.TotalMilliseconds:0} ms apart (`{string.Join(" ", GenerateStream.EchoSettings(s.Tokens, s.Delay))}`), on a freshly migrated SQLite file. ")
            + $"Operation: `{GenerateStream.GenerateQuery}`: every subscription starts its own generation (a new conversation, its prompt stored), streams it, and stores the reply.");
        md.AppendLine(Invariant($"- **Baseline**: `LlmPlatform.Bench baseline-server`'s bare `/ws` endpoint (see `stream-throughput`) with `?delayMs={s.Delay.TotalMilliseconds:0}`: the same frames, byte for byte, each token after `await Task.Delay({s.Delay.TotalMilliseconds:0} ms)` as the echo provider does; no GraphQL, no generation pipeline, no database."));
        md.AppendLine(Invariant($"- **Client**: `LlmPlatform.Bench stream-client fanout`, one process with {s.Connections:N0} `ClientWebSocket`s: it opens them all ({32} at a time) and waits for every `connection_ack`, ")
            + "then sends every `subscribe` at once (the thundering herd a deploy or a broadcast causes) and reads each socket on its own. Each subscription has its own prompt, so a chunk delivered to "
            + "the wrong stream would show as a wrong text.");
        md.AppendLine(Invariant($"- Runs: {WarmupText(s)}; then {s.Rounds} rounds of one run per target, alternating which goes first. Headline figures are medians over rounds."));
        md.AppendLine("- **Server CPU** is the server process's CPU time (user + system, /proc, sampled every 200 ms and interpolated) over the client's streaming window (first subscribe to last `complete`), "
            + "as a share of one core; **RSS** is /proc's VmRSS just before the client started and the highest sample during the window.");
        md.AppendLine("- Both servers: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults (server GC, tiered compilation with PGO), Kestrel on 127.0.0.1.");
        if (s.Servers.ServerEnvironment.Count > 0)
            md.AppendLine($"- Both servers' settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment)}`.");
        if (s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- GraphQL server settings changed for this run: `{string.Join("`, `", s.Servers.GraphQLEnvironment)}`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; servers and client share all cores."
            : $"- CPU pinning (`taskset`): both servers on CPU {run.ServerCpus} (one is loaded at a time), the client on CPU {run.ClientCpus}. "
                + "On this 2-core machine server and client each have one core; the client's CPU share in the table shows whether it kept up (far below 100 %: it did).");
        md.AppendLine();
        StreamThroughputReport.AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    private static string WarmupText(StreamFanoutBenchmark.Settings s) =>
        s.WarmupRuns == 0 ? "no warm-up" : Invariant($"first {s.WarmupRuns} unmeasured run(s) per target with the same load (JIT, connection pools, the database's first pages)");

    internal static void Row(
        StringBuilder md, string label, List<Run> baseline, List<Run> graph, Func<Run, double> value, string format,
        Func<Run, double>? second = null, string suffix = "")
    {
        string Cell(List<Run> runs) => runs.Count == 0 ? "n/a"
            : Median(runs, value).ToString(format, CultureInfo.InvariantCulture) + suffix
                + (second is null ? "" : " / " + Median(runs, second).ToString(format, CultureInfo.InvariantCulture) + suffix);
        md.AppendLine($"| {label} | {Cell(baseline)} | {Cell(graph)} |");
    }

    internal static double Median(List<Run> runs, Func<Run, double> value) => StreamThroughputBenchmark.Median(runs.Select(value));
}
