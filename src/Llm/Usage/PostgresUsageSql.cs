namespace LlmPlatform.Llm.Usage;

/// <summary>
/// PostgreSQL: local times with <c>AT TIME ZONE</c> (its own IANA database, exact across DST changes), percentiles
/// with <c>percentile_cont</c>.
/// </summary>
internal sealed class PostgresUsageSql(UsageQuery query, RolledUpHours? rolledUp) : UsageSql(query, rolledUp)
{
    private string? _zone;

    private string Local => $"(\"CreatedAt\" AT TIME ZONE {_zone ??= Parameter(Query.TimeZone.Id)})";

    protected override string KeyExpression(UsageDimension dimension, string column) => column switch
    {
        "HourLocal" => $"to_char(date_trunc('hour', {Local}), 'YYYY-MM-DD HH24:MI:SS')",
        "HourOffset" => $"CAST(EXTRACT(EPOCH FROM ({Local} - (\"CreatedAt\" AT TIME ZONE 'UTC'))) / 60 AS integer)",
        "Day" => $"to_char({Local}, 'YYYY-MM-DD')",
        "Week" => $"to_char(date_trunc('week', {Local}), 'YYYY-MM-DD')",
        _ => Quote(column),
    };

    protected override string Percentile(string measure, double fraction) =>
        $"percentile_cont({Number(fraction)}) WITHIN GROUP (ORDER BY {(measure == "Latency" ? "\"LatencyMs\"" : "\"TimeToFirstTokenMs\"")})";

    protected override string CountWhere(string condition) => $"CAST(COUNT(*) FILTER (WHERE {condition}) AS bigint)";

    protected override string Sum(string column) => $"CAST(COALESCE(SUM({column}), 0) AS bigint)";

    protected override string SumCost() => "COALESCE(SUM(\"Cost\"), 0)";

    protected override string JoinWithCommas(IReadOnlyList<string> expressions) => $"concat_ws(',', {string.Join(", ", expressions)})";
}
