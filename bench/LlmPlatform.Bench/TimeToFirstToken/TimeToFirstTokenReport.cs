using System.Text;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;
using static LlmPlatform.Bench.TimeToFirstToken.TimeToFirstTokenBenchmark;

namespace LlmPlatform.Bench.TimeToFirstToken;

/// <summary>Renders a run as the Markdown of <c>bench/results/time-to-first-token.md</c>.</summary>
public static class TimeToFirstTokenReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var graph = run.Rounds.SelectMany(r => r.GraphQLFirstToken).ToList();
        var direct = run.Rounds.SelectMany(r => r.DirectFirstToken).ToList();
        double Added(double q) => (Percentile(graph, q) - Percentile(direct, q)) / 1000;
        var (p50, p99) = (Added(0.50), Added(0.99));
        var overhead = run.Usage.Where(u => u.OverheadMs is not null).Select(u => u.OverheadMs!.Value).ToList();
        var (overheadP50, overheadP99) = (Percentile(overhead, 0.50), Percentile(overhead, 0.99));
        var met = p50 < TargetP50Ms && p99 < TargetP99Ms;
        var ownMet = overheadP50 < TargetP50Ms && overheadP99 < TargetP99Ms;

        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Time to first token: {s.Concurrency} concurrent generations against a stub provider that answers at once")).AppendLine();
        md.AppendLine(Invariant($"**The server adds p50 {p50:0.00} ms, p99 {p99:0.00} ms to the time to the first token** ")
            + Invariant($"(GraphQL subscribe → first `TokenChunk`, minus the same stub called directly, subscribe → first SSE event; percentiles of {graph.Count:N0} and {direct.Count:N0} generations). ")
            + Invariant($"Target p50 < {TargetP50Ms:0} ms, p99 < {TargetP99Ms:0} ms: **{(met ? "met" : "missed")}**."));
        md.AppendLine();
        md.AppendLine(Invariant($"**The server's own `Usage.overheadMs`** of the same measured generations, read back from its database: p50 {overheadP50:0.000} ms, p99 {overheadP99:0.000} ms ")
            + Invariant($"({overhead.Count:N0} rows with an overhead of {run.Usage.Count:N0} stored; target {(ownMet ? "met" : "missed")} by this measure). ")
            + "It counts only the request's handling up to the provider call and the first chunk's publication, not the wait for a core, the socket writes or the WebSocket frame's trip; "
            + "the difference of the client-side distributions counts everything, including queueing behind the other generations of the wave on the server's one core.");
        md.AppendLine();
        var failed = run.Usage.Count(u => u.Status != "Completed");
        var errors = run.Rounds.Sum(r => r.Errors) + (run.Warmup?.Errors ?? 0);
        md.AppendLine(errors == 0 && failed == 0
            ? Invariant($"Every generation (and the warm-up's) streamed the stub's {StubProvider.Reply.Count} tokens with indexes 0…{StubProvider.Reply.Count - 1} and its text, then `complete`; every direct call got the whole event stream to `[DONE]`; every measured usage row is `Completed`.")
            : Invariant($"**Errors**: {errors} generations or calls failed (first: {run.Rounds.Select(r => r.FirstError).FirstOrDefault(e => e is not null) ?? run.Warmup?.FirstError}); {failed} usage rows not `Completed`."));
        md.AppendLine();

        md.AppendLine("| all measured generations | direct to the stub | GraphQL | added by the server |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (label, q) in new[] { ("p50", 0.50), ("p90", 0.90), ("**p99**", 0.99), ("max", 1.0) })
            md.AppendLine(Invariant($"| first token, {label} (ms) | {Percentile(direct, q) / 1000:0.00} | {Percentile(graph, q) / 1000:0.00} | {Added(q):0.00} |"));
        md.AppendLine(Invariant($"| first token, mean (ms) | {Mean(direct):0.00} | {Mean(graph):0.00} | {Mean(graph) - Mean(direct):0.00} |"));
        var graphWhole = run.Rounds.SelectMany(r => r.GraphQLWhole).ToList();
        var directWhole = run.Rounds.SelectMany(r => r.DirectWhole).ToList();
        md.AppendLine(Invariant($"| whole reply (to `complete` / `[DONE]`), p50 / p99 (ms) | {Percentile(directWhole, 0.5) / 1000:0.00} / {Percentile(directWhole, 0.99) / 1000:0.00} | {Percentile(graphWhole, 0.5) / 1000:0.00} / {Percentile(graphWhole, 0.99) / 1000:0.00} | |"));
        var startedAfter = run.Rounds.SelectMany(r => r.GraphQLStarted).ToList();
        md.AppendLine(Invariant($"| subscribe → `GenerationStarted` (admitted and stored), p50 / p99 (ms) | | {Percentile(startedAfter, 0.5) / 1000:0.00} / {Percentile(startedAfter, 0.99) / 1000:0.00} | |"));
        var stored = run.Usage.Where(u => u.TimeToFirstTokenMs is not null).Select(u => (double)u.TimeToFirstTokenMs!.Value).ToList();
        md.AppendLine(Invariant($"| `Usage.overheadMs`, p50 / p99 / max (ms) | | {overheadP50:0.000} / {overheadP99:0.000} / {Percentile(overhead, 1):0.000} | |"));
        md.AppendLine(Invariant($"| `Usage.timeToFirstTokenMs` (the provider's part, whole ms), p50 / p99 | | {Percentile(stored, 0.5):0} / {Percentile(stored, 0.99):0} | |"));
        md.AppendLine();

        md.AppendLine("## Where the time goes").AppendLine();
        md.AppendLine("How the measured generations spread over ranges of time (share of generations in each range; a cluster far from 0 points at a fixed wait, e.g. a retry's sleep):").AppendLine();
        md.AppendLine("| range (ms) | direct: first token | GraphQL: first token | GraphQL: subscribe → `GenerationStarted` | `Usage.overheadMs` |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        var bounds = new[] { 0.0, 1, 5, 20, 50, 100, 140, 170, 290, 320, 500, 1000, 5000, double.PositiveInfinity };
        var overheadMicroseconds = overhead.Select(o => o * 1000).ToList();
        for (var b = 0; b < bounds.Length - 1; b++)
        {
            var (low, high) = (bounds[b], bounds[b + 1]);
            string Share(IReadOnlyCollection<double> microseconds) => microseconds.Count == 0 ? "" :
                Invariant($"{microseconds.Count(v => v / 1000 >= low && v / 1000 < high) * 100.0 / microseconds.Count:0.0} %");
            md.AppendLine(Invariant($"| {low:0}–{(double.IsInfinity(high) ? "" : high.ToString("0", System.Globalization.CultureInfo.InvariantCulture))} | {Share(direct)} | {Share(graph)} | {Share(startedAfter)} | {Share(overheadMicroseconds)} |"));
        }
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine("| round | generations per target | direct p50 / p99 (ms) | GraphQL p50 / p99 (ms) | added p50 / p99 (ms) | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        var rows = (run.Warmup is null ? [] : new[] { ("warm-up", run.Warmup) })
            .Concat(run.Rounds.Select((r, i) => ((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), r)));
        foreach (var (label, r) in rows)
        {
            var (d50, d99, g50, g99) = (Percentile(r.DirectFirstToken, 0.5) / 1000, Percentile(r.DirectFirstToken, 0.99) / 1000,
                Percentile(r.GraphQLFirstToken, 0.5) / 1000, Percentile(r.GraphQLFirstToken, 0.99) / 1000);
            md.AppendLine(Invariant($"| {label} | {r.GraphQLFirstToken.Count:N0} | {d50:0.00} / {d99:0.00} | {g50:0.00} / {g99:0.00} | {g50 - d50:0.00} / {g99 - d99:0.00} | {r.Errors} |"));
        }
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine("- **Stub provider**: `LlmPlatform.Bench stub-provider`, its own process on the servers' core: `POST /v1/chat/completions` parses the request, writes and flushes the first "
            + Invariant($"token's SSE event at once, then the other {StubProvider.Reply.Count - 1} tokens, a `finish_reason: \"stop\"` chunk, the usage chunk (asked for with `stream_options.include_usage`) and `data: [DONE]`, all written ahead of time."));
        md.AppendLine($"- **GraphQL**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release, its own process, on {Database(s)}) "
            + $"with the stub as its only configured and default provider (`{string.Join(" ", StubSettings("http://127.0.0.1:PORT/v1", s.MaxTokens))}`), "
            + Invariant($"so each generation goes through Semantic Kernel's OpenAI connector and the provider's resilience pipeline over loopback HTTP. Operation: `{GenerateStream.GenerateOnProviderQuery}` with `provider: \"{ProviderName}\"`, `maxTokens: {s.MaxTokens}`; ")
            + "each subscription starts its own generation (a new conversation, its prompt and generation row stored before the provider is called; the reply and usage stored before `complete`).");
        md.AppendLine(Invariant($"- **Load**: `LlmPlatform.Bench stream-client first-token`, one process per round, holding {s.Concurrency} acknowledged graphql-transport-ws connections and {s.Concurrency} keep-alive HTTP/1.1 connections. ")
            + Invariant($"A **wave** is {s.Concurrency} generations started at once against one target; waves alternate targets (GraphQL then direct, direct then GraphQL, …), {s.Waves} per target per round, ")
            + "and a wave ends when every generation in it has ended, so waves never overlap. GraphQL: the time from sending `subscribe` on an open connection to the arrival of the first "
            + "`TokenChunk` frame (after `GenerationStarted`). Direct: the time from sending the request (the shape the connector sends) to the end of the first SSE event. Both sides then read to the end and are checked.");
        md.AppendLine(Invariant($"- Runs: {(run.Warmup is null ? "no warm-up" : $"a warm-up client of {s.WarmupWaves} waves per target, unmeasured")}; then {s.Rounds} rounds. Percentiles are nearest-rank over every measured generation of a target. ")
            + $"The app's tiered-compilation thread {(run.JitQuiet ? "did no work" : "**was still working**")} during the measured rounds.");
        md.AppendLine($"- **`Usage.overheadMs`** is read from the app's {(s.Postgres ? "PostgreSQL database" : "SQLite file")} after the run (`UsageEvents` of provider `stub` created after the warm-up), as an operator would read it through `Usage`.");
        md.AppendLine("- Both servers: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults, Kestrel on 127.0.0.1.");
        if (s.Servers.ServerEnvironment.Count > 0)
            md.AppendLine($"- Both servers' settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment)}`.");
        if (s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- GraphQL server settings changed for this run: `{string.Join("`, `", s.Servers.GraphQLEnvironment)}`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; app, stub and client share all cores."
            : $"- CPU pinning (`taskset`): the app and the stub on CPU {run.ServerCpus}, the client on CPU {run.ClientCpus}: on the GraphQL side the app and the stub share one core, on the direct side the stub has it alone.");
        md.AppendLine();
        StreamThroughputReport.AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    private static double Mean(IReadOnlyCollection<double> microseconds) => microseconds.Count == 0 ? double.NaN : microseconds.Average() / 1000;

    private static string Database(TimeToFirstTokenBenchmark.Settings s) => s.Postgres
        ? "a freshly migrated database in a throwaway PostgreSQL (`--postgres`: its own process on the servers' core, `fsync=off`, `synchronous_commit=off`)"
        : "a freshly migrated SQLite file";
}
