using System.Globalization;
using System.Text;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// SQLite, which has neither a time zone database nor <c>percentile_cont</c>. Each row's UTC offset comes from the
/// spans .NET computed for the range (<see cref="UtcOffsetRanges"/>), added with SQLite's date modifiers. Percentiles
/// rank each group's rows with window functions and interpolate between the two neighbouring ranks, as
/// <c>percentile_cont</c> does: position p·(n−1), the row below it plus the fraction of the step to the row above.
/// </summary>
internal sealed class SqliteUsageSql(UsageQuery query, RolledUpHours? rolledUp) : UsageSql(query, rolledUp)
{
    private const string Shift = "(\"OffsetMinutes\" || ' minutes')";

    protected override string Source(string rows)
    {
        var offset = new StringBuilder();
        // Without both ends of the range there are no spans to compute: the aggregator allows that in UTC alone.
        var spans = Query.From is { } from && Query.To is { } to
            ? UtcOffsetRanges.Of(Query.TimeZone, from, to)
            : [(DateTime.MinValue, Query.TimeZone.BaseUtcOffset)];
        if (spans.Count == 1)
            offset.Append(Minutes(spans[0].Offset));
        else
        {
            offset.Append("CASE");
            for (var i = 1; i < spans.Count; i++)
                offset.Append(" WHEN \"CreatedAt\" < ").Append(Parameter(spans[i].StartUtc)).Append(" THEN ").Append(Minutes(spans[i - 1].Offset));
            offset.Append(" ELSE ").Append(Minutes(spans[^1].Offset)).Append(" END");
        }
        return $"(SELECT *, {offset} AS \"OffsetMinutes\" FROM {rows}) AS u";
    }

    protected override string KeyExpression(UsageDimension dimension, string column) => column switch
    {
        "HourLocal" => $"strftime('%Y-%m-%d %H:00:00', \"CreatedAt\", {Shift})",
        "HourOffset" => "\"OffsetMinutes\"",
        "Day" => $"date(\"CreatedAt\", {Shift})",
        "Week" => $"date(\"CreatedAt\", {Shift}, '-6 days', 'weekday 1')",
        _ => Quote(column),
    };

    protected override string RankedRows(IReadOnlyList<string> keys)
    {
        var partition = string.Join(", ", keys.Select(Quote));
        var over = keys.Count > 0 ? "PARTITION BY " + partition + " " : "";
        var ttftPartition = "PARTITION BY " + (keys.Count > 0 ? partition + ", " : "") + "\"TimeToFirstTokenMs\" IS NULL ";
        return ", r AS (SELECT f.*, " +
            $"ROW_NUMBER() OVER ({over}ORDER BY \"LatencyMs\") - 1 AS \"LatencyRank\", " +
            $"COUNT(*) OVER ({over.TrimEnd()}) AS \"LatencyCount\", " +
            $"ROW_NUMBER() OVER ({ttftPartition}ORDER BY \"TimeToFirstTokenMs\") - 1 AS \"TtftRank\", " +
            $"COUNT(\"TimeToFirstTokenMs\") OVER ({over.TrimEnd()}) AS \"TtftCount\" FROM f)";
    }

    protected override string RankedSource() => "r";

    protected override string Percentile(string measure, double fraction)
    {
        var value = measure == "Latency" ? "\"LatencyMs\"" : "\"TimeToFirstTokenMs\"";
        var rank = Quote(measure + "Rank");
        var count = Quote(measure + "Count");
        var position = $"({Number(fraction)} * ({count} - 1))";
        var below = $"CAST({position} AS INTEGER)";
        var at = (string index) => $"MAX(CASE WHEN {value} IS NOT NULL AND {rank} = {index} THEN {value} END)";
        var lower = at(below);
        var upper = at($"MIN({below} + 1, {count} - 1)");
        // The fraction is the same on every row of a group (it depends on the count alone), so MAX picks it.
        return $"({lower} + MAX({position} - {below}) * ({upper} - {lower}))";
    }

    protected override string CountWhere(string condition) => $"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)";

    protected override string Sum(string column) => $"COALESCE(SUM({column}), 0)";

    protected override string SumCost() => "COALESCE(SUM(\"Cost\"), 0.0)";

    protected override string JoinWithCommas(IReadOnlyList<string> expressions) => string.Join(" || ',' || ", expressions);

    // EF stores ids on SQLite as upper-case text; a Guid bound as such would be a blob and match nothing.
    protected override object Bind(object value) => value is Guid id ? id.ToString().ToUpperInvariant() : value;

    private static string Minutes(TimeSpan offset) => ((int)offset.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}
