using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.QueryThroughput;
using LlmPlatform.Bench.Runner;
using static LlmPlatform.Bench.QueryAuth.QueryAuthBenchmark;
using static LlmPlatform.Bench.StreamThroughput.StreamThroughputReport;

namespace LlmPlatform.Bench.QueryAuth;

/// <summary>Renders a run as the Markdown of <c>bench/results/query-auth.md</c>.</summary>
public static class QueryAuthReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var without = Median(run.Rounds.Select(r => r.Without.Rps));
        var with = Median(run.Rounds.Select(r => r.With.Rps));
        var ratio = with / without;
        var met = ratio >= QueryAuthBenchmark.Target;
        var pairs = run.Rounds.SelectMany(r => r.PairRatios).Order().ToList();
        var withoutCpu = MedianOrNull(run.Rounds.Select(r => r.WithoutCpu));
        var withCpu = MedianOrNull(run.Rounds.Select(r => r.WithCpu));

        var md = new StringBuilder();
        md.AppendLine("# Query with a bearer token: `personas(first: 10)` with a token against the same without one (the local user)").AppendLine();
        md.AppendLine(Invariant($"**With a token the app serves {ratio:P1} of the requests/s it serves without one** (medians of {run.Rounds.Count} rounds; ")
            + Invariant($"target ≥ {QueryAuthBenchmark.Target:P0}: **{(met ? "met" : "not met")}**)."));
        md.AppendLine();
        md.AppendLine("Cross-checks, which should agree with it within a few points:");
        md.AppendLine(Invariant($"- per round: {string.Join(", ", run.Rounds.Select(r => r.Ratio.ToString("P1", CultureInfo.InvariantCulture)))};"));
        md.AppendLine(Invariant($"- over all {pairs.Count} back-to-back {Arguments.FormatDuration(s.Slice)} slice pairs: median {Quantile(pairs, 0.5):P1}, middle half {Quantile(pairs, 0.25):P1} – {Quantile(pairs, 0.75):P1};"));
        if (withoutCpu is { } cpuWithout && withCpu is { } cpuWith)
        {
            md.AppendLine(Invariant($"- server CPU time per request, without ÷ with: {cpuWithout / cpuWith:P1} ({Us(cpuWithout)} against {Us(cpuWith)}: ")
                + Invariant($"{(cpuWith - cpuWithout).TotalMicroseconds:+0;-0;0} µs of CPU per request with the token)."));
        }
        md.AppendLine();
        md.AppendLine("| | without token (local user) | with token | with / without |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(Invariant($"| requests/s (median of rounds) | {without:N0} | {with:N0} | {ratio:P1} |"));
        var p50Without = Median(run.Rounds.Select(r => r.Without.P50Ms));
        var p50With = Median(run.Rounds.Select(r => r.With.P50Ms));
        var p99Without = Median(run.Rounds.Select(r => r.Without.P99Ms));
        var p99With = Median(run.Rounds.Select(r => r.With.P99Ms));
        md.AppendLine(Invariant($"| p50 latency, ms (median of rounds) | {p50Without:0.00} | {p50With:0.00} | {p50With / p50Without:0.00}× |"));
        md.AppendLine(Invariant($"| p99 latency, ms (median of rounds) | {p99Without:0.00} | {p99With:0.00} | {p99With / p99Without:0.00}× |"));
        md.AppendLine(Invariant($"| requests/s, lowest – highest round | {run.Rounds.Min(r => r.Without.Rps):N0} – {run.Rounds.Max(r => r.Without.Rps):N0} | {run.Rounds.Min(r => r.With.Rps):N0} – {run.Rounds.Max(r => r.With.Rps):N0} | |"));
        if (withoutCpu is { } wo && withCpu is { } wi)
            md.AppendLine(Invariant($"| server CPU time per request (median of rounds) | {Us(wo)} | {Us(wi)} | {wo / wi:P1} (without / with) |"));
        md.AppendLine(Invariant($"| response body, bytes | {run.Responses.WithoutBytes} | {run.Responses.WithBytes} | |"));
        md.AppendLine(Invariant($"| request: `Authorization` header | none | `Bearer` + {run.TokenLength:N0} characters | |"));
        md.AppendLine();

        md.AppendLine("## Rounds").AppendLine();
        md.AppendLine(Invariant($"Each round is one load process that gives the two sides alternating {Arguments.FormatDuration(s.Slice)} slices (A B, B A, A B, …) on the same connections to the same server, ")
            + "so both see the same disturbances of a shared machine; the first slice of each round alternates between rounds. "
            + Invariant($"The first {Arguments.FormatDuration(LoadCommand.DefaultSettle)} of each slice, while the other side's last requests drain, is not measured. ")
            + "CPU/request is the server process's CPU time (user + system, from /proc, read every 20 ms) during the measured part of a side's slices, over the requests completed in them.");
        md.AppendLine();
        md.AppendLine("| round | side | measured s | requests | errors | requests/s | p50 ms | p90 ms | p99 ms | max ms | CPU/request | round ratio | slice-pair ratios |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var round in run.Rounds)
        {
            foreach (var side in round.Order)
            {
                var result = round.Of(side);
                var last = side == round.Order[^1];
                var ratioCell = last ? round.Ratio.ToString("P1", CultureInfo.InvariantCulture) : "";
                var pairCell = last ? string.Join(" ", round.PairRatios.Select(p => p.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal))) : "";
                md.AppendLine(Invariant($"| {round.Number} | {side} | {result.MeasuredSeconds:0.0} | {result.Requests:N0} | {result.Errors + result.WarmupErrors} | {result.Rps:N0} | {result.P50Ms:0.00} | {result.P90Ms:0.00} | {result.P99Ms:0.00} | {result.MaxMs:0.00} | {Us(round.CpuOf(side))} | {ratioCell} | {pairCell} |"));
            }
        }
        md.AppendLine();

        md.AppendLine("## Warm-up").AppendLine();
        md.AppendLine(Invariant($"Before the rounds, both sides were loaded in alternating slices, {run.Warmup.Chunks.Count} chunks in {run.Warmup.Elapsed.TotalSeconds:0} s, ")
            + (run.Warmup.Settled
                ? Invariant($"until each side's CPU time per request moved less than {SettledWithin:P0} between chunks and the runtime's tiered-compilation thread did not work during the last one.")
                : Invariant($"and **did not settle** within {Arguments.FormatDuration(s.ServerWarmup)}: the rounds may include JIT warm-up; treat the figures with care.")));
        md.AppendLine();
        md.AppendLine("| chunk | without req/s | without CPU/request | with req/s | with CPU/request | JIT |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|");
        foreach (var chunk in run.Warmup.Chunks)
            md.AppendLine(Invariant($"| {chunk.Number} | {chunk.Without.Rps:N0} | {Us(chunk.WithoutCpu)} | {chunk.With.Rps:N0} | {Us(chunk.WithCpu)} | {(chunk.JitQuiet ? "quiet" : "busy")} |"));
        md.AppendLine();

        md.AppendLine("## What was measured").AppendLine();
        md.AppendLine($"- **The app**: the real app (`{Path.GetRelativePath(Paths.RepositoryRoot, s.Servers.GraphQLDll)}`, Release build, one process), `POST /graphql` with `{{\"query\":\"{QueryThroughputBenchmark.Query}\"}}` — the query of `query-throughput`, the first page of the personas screen.");
        md.AppendLine("- **Without token**: no `Authorization` header; the app acts for the built-in local user (`Auth:AnonymousAsLocalUser=true`).");
        md.AppendLine(Invariant($"- **With token**: `Authorization: Bearer <access token>` of an account registered through `register` and signed in with the password grant of the first-party client (`/connect/token`, scope `api`): an encrypted JWT (JWE, {run.TokenLength:N0} characters) that OpenIddict validation (`UseLocalServer`) decrypts and checks on every request. ")
            + "Tokens are signed and encrypted with the run's own self-signed RSA 2048 certificates (`Auth:SigningCertificate`, `Auth:EncryptionCertificate`), as a production deployment is configured.");
        md.AppendLine(Invariant($"- Same rows, checked before loading: the account created, through `createPersona`, the {BenchDatabase.OwnPersonas} personas the local user owns, so both sides get the same {run.Responses.Nodes} rows ({run.Responses.Names}) with the same names and descriptions; ")
            + Invariant($"{run.Responses.OwnIds} of them are each side's own, with different ids (which shows the token side really acts for the account). Both bodies have the same length."));
        md.AppendLine("- The app: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults (server GC, tiered compilation with PGO), Kestrel on 127.0.0.1, HTTP/1.1; token endpoint limit and generation rate limits off.");
        if (s.Servers.ServerEnvironment.Count + s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- Settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment.Concat(s.Servers.GraphQLEnvironment))}`.");
        md.AppendLine(Invariant($"- Load: a separate process (`load`) over loopback, closed loop, {s.Concurrency} concurrent requests on {s.Concurrency} keep-alive connections shared by both sides; ")
            + Invariant($"per round {Arguments.FormatDuration(s.Warmup)} of warm-up (alternating too), then {Arguments.FormatDuration(s.Duration)} of slices per side; {s.Rounds} rounds. ")
            + "A non-2xx response or a body with `\"errors\"` is an error, and a run with any error fails.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none; the app and the load generator share all cores."
            : $"- CPU pinning (`taskset`): the app on CPU {run.ServerCpus}, the load generator on CPU {run.LoadCpus}.");
        md.AppendLine();
        AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    private static double Median(IEnumerable<double> values) => Quantile([.. values.Order()], 0.5);

    private static TimeSpan? MedianOrNull(IEnumerable<TimeSpan?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value.TotalMicroseconds).Order().ToList();
        return known.Count == 0 ? null : TimeSpan.FromMicroseconds(Quantile(known, 0.5));
    }
}
