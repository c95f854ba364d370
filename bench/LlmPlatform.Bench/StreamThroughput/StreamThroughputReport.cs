using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using static LlmPlatform.Bench.StreamThroughput.StreamThroughputBenchmark;

namespace LlmPlatform.Bench.StreamThroughput;

/// <summary>Renders a run as the Markdown of <c>bench/results/stream-throughput.md</c>.</summary>
public static class StreamThroughputReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var graphRuns = run.Rounds.SelectMany(r => r.Graph.Runs).ToList();
        var baselineRuns = run.Rounds.SelectMany(r => r.Baseline.Runs).ToList();
        var graphWhole = graphRuns.Where(r => r.Error is null).ToList();
        var graphRate = Median(graphWhole.Select(r => r.TokensPerSecond));
        var baselineRate = Median(baselineRuns.Select(r => r.TokensPerSecond));
        var ratio = graphRate / baselineRate;
        var met = ratio >= Target;
        var pairs = run.Rounds.SelectMany(r => r.PairRatios).Order().ToList();
        var graphCpu = MedianOf(run.Rounds.Select(r => r.Graph.CpuPerToken));
        var baselineCpu = MedianOf(run.Rounds.Select(r => r.Baseline.CpuPerToken));
        var cut = graphRuns.Where(IsCut).ToList();
        var warmupCut = run.Warmup.SelectMany(c => c.Graph.Runs).Where(IsCut).ToList();

        var md = new StringBuilder();
        md.AppendLine("# Stream throughput: one `generate` stream over graphql-transport-ws against a bare WebSocket").AppendLine();
        md.AppendLine(Invariant($"**GraphQL streams {ratio:P1} of the bare socket's tokens/s** ({graphRate:N0} against {baselineRate:N0} tokens/s, ")
            + Invariant($"medians of {graphWhole.Count} and {baselineRuns.Count} streams of {s.Tokens:N0} tokens; target ≥ {Target:P0}: **{(met ? "met" : "not met")}**)."));
        md.AppendLine();
        if (cut.Count + warmupCut.Count > 0)
        {
            md.AppendLine(Invariant($"**{cut.Count} of {graphRuns.Count} measured GraphQL streams, and {warmupCut.Count} of {run.Warmup.Sum(c => c.Graph.Runs.Count)} during warm-up, were cut by the server** before their end, although the client reads as fast as it can: ")
                + $"`{(cut.Count > 0 ? cut : warmupCut)[0].Error}`. Cut streams are left out of the tokens/s (see \"Cut streams\" below).");
            md.AppendLine();
        }
        md.AppendLine("Cross-checks, which should agree with it within a few points:");
        md.AppendLine(Invariant($"- per round: {string.Join(", ", run.Rounds.Select(r => r.Ratio.ToString("P1", CultureInfo.InvariantCulture)))};"));
        if (pairs.Count > 0)
            md.AppendLine(Invariant($"- over the {pairs.Count} pairs of streams that ran back to back: median {Quantile(pairs, 0.5):P1}, middle half {Quantile(pairs, 0.25):P1} – {Quantile(pairs, 0.75):P1};"));
        if (graphCpu is { } gc && baselineCpu is { } bc)
            md.AppendLine(Invariant($"- server CPU time per token, baseline ÷ GraphQL: {bc / gc:P1} ({Ns(bc)} against {Ns(gc)}; everything included: connection, start, stored reply)."));
        md.AppendLine();

        md.AppendLine("| | bare WebSocket (baseline) | GraphQL | GraphQL / baseline |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(Invariant($"| tokens/s, first chunk to last (median) | {baselineRate:N0} | {graphRate:N0} | {ratio:P1} |"));
        md.AppendLine(Invariant($"| tokens/s, lowest – highest stream | {Min(baselineRuns):N0} – {Max(baselineRuns):N0} | {Min(graphWhole):N0} – {Max(graphWhole):N0} | |"));
        md.AppendLine(Invariant($"| subscribe → first chunk, ms (median) | {Median(baselineRuns.Select(r => r.FirstChunkUs)) / 1000:0.00} | {Median(graphWhole.Select(r => r.FirstChunkUs)) / 1000:0.00} | |"));
        md.AppendLine(Invariant($"| subscribe → `complete`, ms (median) | {Median(baselineRuns.Select(r => r.TotalUs)) / 1000:0.0} | {Median(graphWhole.Select(r => r.TotalUs)) / 1000:0.0} | |"));
        md.AppendLine(Invariant($"| tokens/s, subscribe → `complete` (median) | {Median(baselineRuns.Select(EndToEnd)):N0} | {Median(graphWhole.Select(EndToEnd)):N0} | {Median(graphWhole.Select(EndToEnd)) / Median(baselineRuns.Select(EndToEnd)):P1} |"));
        if (graphCpu is { } g && baselineCpu is { } b)
            md.AppendLine(Invariant($"| server CPU time per token (median of rounds) | {Ns(b)} | {Ns(g)} | {b / g:P1} (baseline / GraphQL) |"));
        md.AppendLine(Invariant($"| frames per stream; bytes | {baselineRuns[0].Frames:N0}; {baselineRuns[0].Bytes:N0} | {graphWhole[0].Frames:N0}; {graphWhole[0].Bytes:N0} | byte-identical |"));
        md.AppendLine(Invariant($"| streams cut by the server | 0 of {baselineRuns.Count} | {cut.Count} of {graphRuns.Count} | |"));
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine(Invariant($"Each round is one client process that streams {s.Repetitions} times from each target, alternating (A B, B A, …) so that both see the same moods of a shared machine; ")
            + "rounds alternate which target goes first. Before its measured streams the client streams once from each target unmeasured (its own JIT). "
            + "CPU/token is each server process's CPU time (user + system, from /proc) during the round over the tokens it streamed.");
        md.AppendLine();
        md.AppendLine("| round | order | GraphQL tokens/s (median) | baseline tokens/s (median) | ratio | back-to-back pair ratios | GraphQL CPU/token | baseline CPU/token | GraphQL streams cut |");
        md.AppendLine("|---:|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var (round, number) in run.Rounds.Select((r, i) => (r, i + 1)))
        {
            md.AppendLine(Invariant($"| {number} | {string.Join(" ", round.Order)} … | {round.Graph.MedianTokensPerSecond:N0} | {round.Baseline.MedianTokensPerSecond:N0} | {round.Ratio:P1} | ")
                + string.Join(" ", round.PairRatios.Select(p => p.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal)))
                + Invariant($" | {Ns(round.Graph.CpuPerToken)} | {Ns(round.Baseline.CpuPerToken)} | {round.Graph.Cut} of {round.Graph.Runs.Count} |"));
        }
        md.AppendLine();

        md.AppendLine("## Warm-up").AppendLine();
        md.AppendLine(Invariant($"Before the rounds, the client streamed {run.Warmup[0].Graph.Runs.Count} times from each target per chunk, {run.Warmup.Count} chunks in {run.WarmupElapsed.TotalSeconds:0} s, ")
            + (run.WarmupSettled
                ? Invariant($"for at least {Cli.Arguments.FormatDuration(s.MinimumWarmup)} and until, over the last three chunks, the GraphQL server's CPU time per token and both targets' median tokens/s moved less than {SettledWithin:P0} from chunk to chunk and neither runtime's tiered-compilation thread worked during the last two.")
                : Invariant($"and **did not settle** within {Cli.Arguments.FormatDuration(s.ServerWarmup)}: the rounds may include JIT work; treat the figures with care.")));
        md.AppendLine();
        md.AppendLine("| chunk | GraphQL tokens/s | GraphQL CPU/token | baseline tokens/s | baseline CPU/token | GraphQL streams cut | JIT |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (chunk, index) in run.Warmup.Select((c, i) => (c, i + 1)))
        {
            md.AppendLine(Invariant($"| {index} | {chunk.Graph.MedianTokensPerSecond:N0} | {Ns(chunk.Graph.CpuPerToken)} | {chunk.Baseline.MedianTokensPerSecond:N0} | {Ns(chunk.Baseline.CpuPerToken)} | {chunk.Graph.Cut} of {chunk.Graph.Runs.Count} | {(chunk.JitQuiet ? "quiet" : "busy")} |"));
        }
        md.AppendLine();

        if (cut.Count + warmupCut.Count > 0)
        {
            var all = cut.Concat(warmupCut).ToList();
            md.AppendLine("## Cut streams").AppendLine();
            md.AppendLine(Invariant($"{cut.Count} GraphQL streams (of {graphRuns.Count} measured; {warmupCut.Count} more during warm-up) ended with the server closing the socket: `{all[0].Error}`. ")
                + "The client was reading as fast as it could. With a provider that never waits (echo without delay), the operation's pump reads the generation's "
                + "log, executes each event and queues its frame without ever awaiting, so on a busy core the connection's writer does not get to run before "
                + "`Transport:OutboundBufferMessages` (4,096) frames are queued, and the connection is closed as too slow. Frames received before the cut: "
                + string.Join(", ", all.Select(r => r.Frames.ToString("N0", CultureInfo.InvariantCulture))) + ".");
            md.AppendLine();
        }

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **GraphQL**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release build, its own process) over `ws://…/graphql`, subprotocol `graphql-transport-ws`, "
            + Invariant($"its echo provider set to {s.Tokens:N0} tokens with no delay (`{string.Join(" ", GenerateStream.EchoSettings(s.Tokens, TimeSpan.Zero))}`), on a freshly migrated SQLite file. ")
            + $"Operation: `{GenerateStream.GenerateQuery}` with `maxTokens` {s.Tokens}: each stream starts a new generation (a new conversation, its prompt stored), streams it, and stores the reply.");
        md.AppendLine("- **Baseline**: `LlmPlatform.Bench baseline-server`, the same host shape (`WebApplication.CreateBuilder`, Kestrel, `UseWebSockets`), whose `/ws` endpoint speaks "
            + "just enough graphql-transport-ws (`connection_init`/`connection_ack`, `subscribe`, `complete`) to send the same `next` frames: the start event, one frame per token "
            + "of the echo reply (the echo provider's algorithm, copied), each written with `Utf8JsonWriter` when its turn comes and sent with `WebSocket.SendAsync`, the completion event and `complete`. "
            + "No GraphQL, no generation pipeline, no database: the ratio is the whole price of the app's streaming path (provider, event log, GraphQL execution of each event, serialization, the connection's queue).");
        md.AppendLine(Invariant($"- Same bytes, checked on every stream: all frames after `connection_ack` hash (SHA-256) the same for both targets ({baselineRuns[0].Frames:N0} frames, {baselineRuns[0].Bytes:N0} bytes per stream); ")
            + "every chunk's index and text were checked against the echo reply.");
        md.AppendLine("- **Client**: `LlmPlatform.Bench stream-client throughput`, its own process: per stream it opens a socket, `connection_init` → `connection_ack`, `subscribe`, and reads every frame "
            + "into one buffer (with its arrival time) until `complete`; frames are parsed and checked only after the stream. "
            + "**tokens/s** = (chunks − 1) ÷ (last chunk's arrival − first chunk's arrival): the streaming rate, leaving out the generation's start and the stored reply, which the table shows apart "
            + "(subscribe → first chunk, subscribe → `complete`).");
        md.AppendLine(Invariant($"- {s.Rounds} rounds × {s.Repetitions} streams per target; the headline is the ratio of the medians over every measured stream that arrived whole."));
        md.AppendLine("- Both servers: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults (server GC, tiered compilation with PGO), Kestrel on 127.0.0.1.");
        if (s.Servers.ServerEnvironment.Count > 0)
            md.AppendLine($"- Both servers' settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment)}`.");
        if (s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- GraphQL server settings changed for this run: `{string.Join("`, `", s.Servers.GraphQLEnvironment)}`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; servers and client share all cores."
            : $"- CPU pinning (`taskset`): both servers on CPU {run.ServerCpus} (one streams at a time), the client on CPU {run.ClientCpus}.");
        md.AppendLine();
        AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    /// <summary>The machine, code, date and command sections every report ends with.</summary>
    internal static void AppendMachine(StringBuilder md, Machine m, DateTimeOffset finished, string command)
    {
        md.AppendLine("## Machine and code").AppendLine();
        md.AppendLine($"- CPU: {m.Cpu}, {m.Cores} cores; memory {m.Memory}");
        md.AppendLine($"- OS: {m.OperatingSystem}");
        md.AppendLine($"- .NET: {m.Runtime}, SDK {m.Sdk}");
        md.AppendLine($"- Commit: `{m.Commit}`, working tree {(m.Dirty ? $"**dirty** ({m.DirtyPaths})" : "clean")}");
        md.AppendLine(Invariant($"- Date: {finished:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine($"- Load average (1 / 5 / 15 min): {m.LoadAverage} at the start, {Machine.CurrentLoadAverage()} at the end ({m.Cores} cores)");
        md.AppendLine("- The machine is shared and noisy: compare figures within one run only.");
        md.AppendLine();
        md.AppendLine("## Command").AppendLine();
        md.AppendLine("```sh");
        md.AppendLine(command);
        md.AppendLine("```");
    }

    private static double EndToEnd(ThroughputRun run) => run.TotalUs > 0 ? run.Chunks / (run.TotalUs / 1_000_000) : 0;

    private static double Min(IEnumerable<ThroughputRun> runs) => runs.Min(r => r.TokensPerSecond);

    private static double Max(IEnumerable<ThroughputRun> runs) => runs.Max(r => r.TokensPerSecond);

    private static double? MedianOf(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return known.Count == 0 ? null : Median(known);
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
