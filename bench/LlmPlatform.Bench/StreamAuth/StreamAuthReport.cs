using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using static LlmPlatform.Bench.StreamAuth.StreamAuthBenchmark;
using static LlmPlatform.Bench.StreamThroughput.StreamThroughputBenchmark;
using static LlmPlatform.Bench.StreamThroughput.StreamThroughputReport;

namespace LlmPlatform.Bench.StreamAuth;

/// <summary>Renders a run as the Markdown of <c>bench/results/stream-auth.md</c>.</summary>
public static class StreamAuthReport
{
    public static string Render(StreamAuthBenchmark.Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var withoutRuns = run.Rounds.SelectMany(r => r.Without.Runs).ToList();
        var withRuns = run.Rounds.SelectMany(r => r.With.Runs).ToList();
        var without = withoutRuns.Where(r => r.Error is null).ToList();
        var with = withRuns.Where(r => r.Error is null).ToList();
        var withoutRate = Median(without.Select(r => r.TokensPerSecond));
        var withRate = Median(with.Select(r => r.TokensPerSecond));
        var ratio = withRate / withoutRate;
        var met = ratio >= StreamAuthBenchmark.Target;
        var pairs = run.Rounds.SelectMany(r => r.PairRatios).Order().ToList();
        var withoutCpu = MedianOf(run.Rounds.Select(r => r.Without.CpuPerToken));
        var withCpu = MedianOf(run.Rounds.Select(r => r.With.CpuPerToken));
        var cut = withoutRuns.Concat(withRuns).Where(IsCut).ToList();
        var warmupCut = run.Warmup.SelectMany(c => c.Without.Runs.Concat(c.With.Runs)).Where(IsCut).ToList();
        var initWithout = Median(without.Select(r => r.InitUs)) / 1000;
        var initWith = Median(with.Select(r => r.InitUs)) / 1000;

        var md = new StringBuilder();
        md.AppendLine("# Stream with a bearer token: one `generate` stream with a token in `connection_init` against the same without one (the local user)").AppendLine();
        md.AppendLine(Invariant($"**With a token the app streams {ratio:P1} of the tokens/s it streams without one** ({withRate:N0} against {withoutRate:N0} tokens/s, ")
            + Invariant($"medians of {with.Count} and {without.Count} streams of {s.Tokens:N0} tokens; target ≥ {StreamAuthBenchmark.Target:P0}: **{(met ? "met" : "not met")}**)."));
        md.AppendLine();
        md.AppendLine(Invariant($"The token is checked once per connection, at `connection_init`: `connection_init` → `connection_ack` took {initWith:0.00} ms with it and {initWithout:0.00} ms without (medians); nothing about the token is looked at again while tokens stream."));
        md.AppendLine();
        if (cut.Count + warmupCut.Count > 0)
        {
            md.AppendLine(Invariant($"**{cut.Count} of {withoutRuns.Count + withRuns.Count} measured streams, and {warmupCut.Count} during warm-up, were cut by the server** before their end ")
                + Invariant($"({run.Rounds.Concat(run.Warmup).Sum(c => c.With.Cut)} of them with a token): `{cut.Concat(warmupCut).First().Error}`. Cut streams are left out of the tokens/s."));
            md.AppendLine();
        }
        md.AppendLine("Cross-checks, which should agree with it within a few points:");
        md.AppendLine(Invariant($"- per round: {string.Join(", ", run.Rounds.Select(r => r.Ratio.ToString("P1", CultureInfo.InvariantCulture)))};"));
        if (pairs.Count > 0)
            md.AppendLine(Invariant($"- over the {pairs.Count} pairs of streams that ran back to back: median {Quantile(pairs, 0.5):P1}, middle half {Quantile(pairs, 0.25):P1} – {Quantile(pairs, 0.75):P1};"));
        if (withoutCpu is { } wo && withCpu is { } wi)
            md.AppendLine(Invariant($"- server CPU time per token, without ÷ with: {wo / wi:P1} ({Ns(wo)} against {Ns(wi)}; everything included: connection, token check, start, stored reply)."));
        md.AppendLine();

        md.AppendLine("| | without token (local user) | with token | with / without |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(Invariant($"| tokens/s, first chunk to last (median) | {withoutRate:N0} | {withRate:N0} | {ratio:P1} |"));
        md.AppendLine(Invariant($"| tokens/s, lowest – highest stream | {without.Min(r => r.TokensPerSecond):N0} – {without.Max(r => r.TokensPerSecond):N0} | {with.Min(r => r.TokensPerSecond):N0} – {with.Max(r => r.TokensPerSecond):N0} | |"));
        md.AppendLine(Invariant($"| `connection_init` → `connection_ack`, ms (median) | {initWithout:0.00} | {initWith:0.00} | +{initWith - initWithout:0.00} ms |"));
        md.AppendLine(Invariant($"| connect → `connection_ack`, ms (median) | {Median(without.Select(r => r.ConnectUs)) / 1000:0.00} | {Median(with.Select(r => r.ConnectUs)) / 1000:0.00} | |"));
        md.AppendLine(Invariant($"| subscribe → first chunk, ms (median) | {Median(without.Select(r => r.FirstChunkUs)) / 1000:0.00} | {Median(with.Select(r => r.FirstChunkUs)) / 1000:0.00} | |"));
        md.AppendLine(Invariant($"| subscribe → `complete`, ms (median) | {Median(without.Select(r => r.TotalUs)) / 1000:0.0} | {Median(with.Select(r => r.TotalUs)) / 1000:0.0} | |"));
        var wholeWithout = Median(without.Select(Whole));
        var wholeWith = Median(with.Select(Whole));
        md.AppendLine(Invariant($"| tokens/s, connect → `complete` (median) | {wholeWithout:N0} | {wholeWith:N0} | {wholeWith / wholeWithout:P1} |"));
        if (withoutCpu is { } w0 && withCpu is { } w1)
            md.AppendLine(Invariant($"| server CPU time per token (median of rounds) | {Ns(w0)} | {Ns(w1)} | {w0 / w1:P1} (without / with) |"));
        md.AppendLine(Invariant($"| frames per stream; bytes | {without[0].Frames:N0}; {without[0].Bytes:N0} | {with[0].Frames:N0}; {with[0].Bytes:N0} | byte-identical |"));
        md.AppendLine(Invariant($"| streams cut by the server | {withoutRuns.Count(IsCut)} of {withoutRuns.Count} | {withRuns.Count(IsCut)} of {withRuns.Count} | |"));
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine(Invariant($"Each round is one client process that streams {s.Repetitions} times with and without the token from the same server, alternating (A B, B A, …) so that both see the same moods of a shared machine; ")
            + "rounds alternate which side goes first. Before its measured streams the client streams once per side unmeasured (its own JIT). "
            + "CPU/token is the server process's CPU time (user + system, from /proc, read every 20 ms) from each stream's connect to its close, over the tokens streamed.");
        md.AppendLine();
        md.AppendLine("| round | order | without tokens/s (median) | with tokens/s (median) | ratio | back-to-back pair ratios | without CPU/token | with CPU/token | init → ack ms without / with | streams cut |");
        md.AppendLine("|---:|---|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var (round, number) in run.Rounds.Select((r, i) => (r, i + 1)))
        {
            md.AppendLine(Invariant($"| {number} | {string.Join(", ", round.Order)}, … | {round.Without.MedianTokensPerSecond:N0} | {round.With.MedianTokensPerSecond:N0} | {round.Ratio:P1} | ")
                + string.Join(" ", round.PairRatios.Select(p => p.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal)))
                + Invariant($" | {Ns(round.Without.CpuPerToken)} | {Ns(round.With.CpuPerToken)} | {Median(round.Without.Whole.Select(r => r.InitUs)) / 1000:0.00} / {Median(round.With.Whole.Select(r => r.InitUs)) / 1000:0.00} | {round.Without.Cut + round.With.Cut} of {round.Without.Runs.Count + round.With.Runs.Count} |"));
        }
        md.AppendLine();

        md.AppendLine("## Warm-up").AppendLine();
        md.AppendLine(Invariant($"Before the rounds, the client streamed {run.Warmup[0].Without.Runs.Count} times per side per chunk, {run.Warmup.Count} chunks in {run.WarmupElapsed.TotalSeconds:0} s, ")
            + (run.WarmupSettled
                ? Invariant($"for at least {Arguments.FormatDuration(s.MinimumWarmup)} and until, over the last three chunks, each side's CPU time per token and median tokens/s moved less than {SettledWithin:P0} from chunk to chunk and the runtime's tiered-compilation thread did not work during the last two.")
                : Invariant($"and **did not settle** within {Arguments.FormatDuration(s.ServerWarmup)}: the rounds may include JIT work; treat the figures with care.")));
        md.AppendLine();
        md.AppendLine("| chunk | without tokens/s | without CPU/token | with tokens/s | with CPU/token | streams cut | JIT |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (chunk, index) in run.Warmup.Select((c, i) => (c, i + 1)))
        {
            md.AppendLine(Invariant($"| {index} | {chunk.Without.MedianTokensPerSecond:N0} | {Ns(chunk.Without.CpuPerToken)} | {chunk.With.MedianTokensPerSecond:N0} | {Ns(chunk.With.CpuPerToken)} | {chunk.Without.Cut + chunk.With.Cut} of {chunk.Without.Runs.Count + chunk.With.Runs.Count} | {(chunk.JitQuiet ? "quiet" : "busy")} |"));
        }
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **The app**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release build, one process) over `ws://…/graphql`, subprotocol `graphql-transport-ws`, "
            + Invariant($"its echo provider set to {s.Tokens:N0} tokens with no delay (`{string.Join(" ", GenerateStream.EchoSettings(s.Tokens, TimeSpan.Zero))}`), on a freshly migrated SQLite file. ")
            + $"Operation: `{GenerateStream.GenerateQuery}` with `maxTokens` {s.Tokens}, as in `stream-throughput`: each stream starts a new generation (a new conversation, its prompt stored), streams it, and stores the reply.");
        md.AppendLine("- **Without token**: `{\"type\":\"connection_init\"}`; the app acts for the built-in local user (`Auth:AnonymousAsLocalUser=true`).");
        md.AppendLine(Invariant($"- **With token**: `{{\"type\":\"connection_init\",\"payload\":{{\"authorization\":\"Bearer <access token>\"}}}}` with the access token of an account registered through `register` and signed in with the password grant (`/connect/token`, scope `api`): an encrypted JWT (JWE, {run.TokenLength:N0} characters) that the app validates with OpenIddict (`UseLocalServer`) when `connection_init` arrives, then keeps for the connection's operations (and to end them when it expires). ")
            + "Tokens are signed and encrypted with the run's own self-signed RSA 2048 certificates, as a production deployment is configured.");
        md.AppendLine(Invariant($"- Same bytes, checked on every stream: all frames after `connection_ack` hash (SHA-256) the same on both sides ({without[0].Frames:N0} frames, {without[0].Bytes:N0} bytes per stream); every chunk's index and text were checked against the echo reply."));
        md.AppendLine("- **Client**: `LlmPlatform.Bench stream-client throughput` (see `stream-throughput`), its own process, a new socket per stream. "
            + "**tokens/s** = (chunks − 1) ÷ (last chunk's arrival − first chunk's arrival): the streaming rate, the hot path per token. "
            + "The connection (where the token is checked), the generation's start and the stored reply are shown apart, and together in *tokens/s, connect → `complete`*.");
        md.AppendLine(Invariant($"- {s.Rounds} rounds × {s.Repetitions} streams per side; the headline is the ratio of the medians over every measured stream that arrived whole."));
        md.AppendLine("- The app: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults (server GC, tiered compilation with PGO), Kestrel on 127.0.0.1; token endpoint limit and generation rate limits off.");
        if (s.Servers.ServerEnvironment.Count + s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- Settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment.Concat(s.Servers.GraphQLEnvironment))}`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; the app and the client share all cores."
            : $"- CPU pinning (`taskset`): the app on CPU {run.ServerCpus}, the client on CPU {run.ClientCpus}.");
        md.AppendLine();
        AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    /// <summary>Tokens per second of the whole stream: from opening the socket to <c>complete</c>.</summary>
    private static double Whole(ThroughputRun run) =>
        run.ConnectUs + run.TotalUs > 0 ? run.Chunks / ((run.ConnectUs + run.TotalUs) / 1_000_000) : 0;

    private static double? MedianOf(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return known.Count == 0 ? null : Median(known);
    }
}
