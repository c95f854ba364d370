using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.Analytics;

/// <summary>The markdown of <c>bench/results/analytics.md</c>; the hand measurement before it stays at its end.</summary>
public static class AnalyticsReport
{
    public const double RollupsTargetMs = 100;
    public const double RawTargetMs = 1000;

    private const string Previous = "## Previous run, kept for comparison";

    public sealed record Result(
        Machine Machine,
        string Command,
        string LoadAverage,
        int Events,
        int Days,
        long Rollups,
        long ModelRollups,
        double RollupSeconds,
        DateTime From,
        DateTime To,
        int Buckets,
        string Check,
        IReadOnlyDictionary<string, List<double>> Times,
        IReadOnlyList<(string Source, string Sql)> Statements,
        IReadOnlyDictionary<string, string> Plans,
        string PostgresVersion);

    /// <summary>The report of <paramref name="r"/>, then the last run of <paramref name="previousReport"/> (if any), headings one level down.</summary>
    public static string Write(Result r, string? previousReport)
    {
        ArgumentNullException.ThrowIfNull(r);
        var text = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        text.AppendLine(i, $"# analytics: `usage(groupBy: [DAY, MODEL])` over 30 days, {r.Events:N0} usage rows, PostgreSQL {r.PostgresVersion}");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(i, $"| machine | {r.Machine.Cpu}, {r.Machine.Cores} cores, {r.Machine.Memory}, {r.Machine.OperatingSystem} |");
        text.AppendLine(i, $"| runtime | {r.Machine.Runtime}, SDK {r.Machine.Sdk} |");
        text.AppendLine(i, $"| commit | {r.Machine.Commit}{(r.Machine.Dirty ? $" with uncommitted changes ({r.Machine.DirtyPaths})" : "")} |");
        text.AppendLine(i, $"| date | {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC |");
        text.AppendLine(i, $"| command | `{r.Command}` |");
        text.AppendLine(i, $"| load average at the end (1, 5, 15 min) | {r.LoadAverage} |");
        text.AppendLine();
        text.AppendLine("## How it was measured");
        text.AppendLine();
        text.AppendLine(i, $"- A throwaway PostgreSQL (`initdb`, `fsync=off`, defaults otherwise); the app (`src/Graph`, Release, Production) migrates it.");
        text.AppendLine(i, $"- {r.Events:N0} usage rows written with Npgsql's binary COPY (`Analytics/UsageEventsCopy.cs`), evenly over the {r.Days} days up to the last whole hour: 50 users, each using two of six models (three providers) and two of twenty personas or none; every status, a sixth without a first token. `VACUUM ANALYZE` after.");
        text.AppendLine(i, $"- Rollups: the app's own `UsageRollupJob` (its SQL, on its worker, `Worker:UsageRollups:Interval=2s`, `MaxHoursPerRun=100000`) rolled every hour up: {r.Rollups:N0} rollup rows (one per hour, user, model and persona) and {r.ModelRollups:N0} per-model rollup rows (one per hour and model, which this query reads), in {r.RollupSeconds:0} s. Then the app was restarted with default settings and `Options={AnalyticsBenchmark.JitOff}` in its connection string (PostgreSQL's JIT off, as the README advises).");
        text.AppendLine(i, $"- The query, as an admin over GraphQL (`POST /graphql`, bearer token), {r.From:yyyy-MM-dd HH:mm}Z to {r.To:yyyy-MM-dd HH:mm}Z (30 local days in `Europe/Berlin`), `groupBy: [DAY, MODEL]`, every count, sum, cost and percentile: once with `source: RAW`, once with `source: ROLLUPS`; {r.Buckets} buckets.");
        text.AppendLine(i, $"- Warm: three requests per source first; then {r.Times["RAW"].Count} of each, alternating (RAW ROLLUPS, ROLLUPS RAW, …), each timed from sending to the whole answer read, on one keep-alive connection.");
        text.AppendLine(i, $"- Checked: {r.Check}.");
        text.AppendLine();
        text.AppendLine("## Results");
        text.AppendLine();
        text.AppendLine("| source | p50 | p95 | min | max | target | met |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (source, target) in new[] { ("RAW", RawTargetMs), ("ROLLUPS", RollupsTargetMs) })
        {
            var times = r.Times[source].Order().ToArray();
            var p50 = Nearest(times, 0.5);
            text.AppendLine(i, $"| {source} | {p50:0} ms | {Nearest(times, 0.95):0} ms | {times[0]:0} ms | {times[^1]:0} ms | < {target:0} ms | {(p50 < target ? "yes" : "**no**")} |");
        }
        text.AppendLine();
        foreach (var (source, sql) in r.Statements)
        {
            text.AppendLine(i, $"## {source}: the SQL the app sent");
            text.AppendLine();
            text.AppendLine("```sql");
            text.AppendLine(sql);
            text.AppendLine("```");
            text.AppendLine();
            text.AppendLine(i, $"## {source}: EXPLAIN (ANALYZE, BUFFERS), warm");
            text.AppendLine();
            text.AppendLine("```");
            text.AppendLine(r.Plans[source]);
            text.AppendLine("```");
            text.AppendLine();
        }
        text.AppendLine("## What the plans say");
        text.AppendLine();
        text.AppendLine("(filled in by hand after the run)");
        text.AppendLine();
        if (previousReport is { Length: > 0 })
        {
            var end = previousReport.IndexOf(Previous, StringComparison.Ordinal);
            var last = end < 0 ? previousReport : previousReport[..end];
            text.AppendLine(Previous);
            text.AppendLine();
            foreach (var line in last.TrimEnd().Split('\n'))
                text.AppendLine(line.StartsWith('#') ? "##" + line : line);
        }
        return text.ToString();
    }

    private static double Nearest(double[] sorted, double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
