using System.Globalization;
using System.Text;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Writes one parameterised statement that groups raw <c>UsageEvents</c> rows (or hourly <c>UsageRollups</c> and the
/// raw rows of the hours they do not hold) and computes every sum and percentile of a <see cref="UsageQuery"/> in the
/// database. Only column names from a fixed list and numeric constants of ours are
/// written into the text; every value the caller chose is a parameter (<c>{n}</c>, as <c>SqlQueryRaw</c> takes them).
/// </summary>
internal abstract class UsageSql
{
    /// <summary>The key columns of <see cref="UsageSqlRow"/>, in order, for each dimension.</summary>
    protected static readonly (UsageDimension Dimension, string[] Columns)[] KeyColumns =
    [
        (UsageDimension.Hour, ["HourLocal", "HourOffset"]),
        (UsageDimension.Day, ["Day"]),
        (UsageDimension.Week, ["Week"]),
        (UsageDimension.Provider, ["Provider"]),
        (UsageDimension.Model, ["Model"]),
        (UsageDimension.Persona, ["PersonaId"]),
        (UsageDimension.User, ["UserId"]),
        (UsageDimension.Conversation, ["ConversationId"]),
    ];

    private readonly List<object> _parameters = [];

    /// <param name="query">The query, as the caller may see it.</param>
    /// <param name="rolledUp">The hours to read from rollups and their level, the rest from raw rows; null to read raw rows alone.</param>
    protected UsageSql(UsageQuery query, RolledUpHours? rolledUp) => (Query, RolledUp) = (query, rolledUp);

    protected UsageQuery Query { get; }

    private RolledUpHours? RolledUp { get; }

    public IReadOnlyList<object> Parameters => _parameters;

    /// <summary>The statement: at most <paramref name="limit"/> buckets, ordered by their keys.</summary>
    public string Build(int limit) => RolledUp is { } hours ? BuildFromRollups(limit, hours) : BuildFromRawRows(limit);

    private string BuildFromRawRows(int limit)
    {
        var keys = SelectedKeyColumns();
        var sql = new StringBuilder();
        sql.Append("WITH f AS (SELECT ").Append(KeyExpressions())
            .Append("\"Status\", \"Cached\", \"PromptTokens\", \"CompletionTokens\", \"Cost\", \"LatencyMs\", \"TimeToFirstTokenMs\" FROM ")
            .Append(Source("\"UsageEvents\"")).Append(" WHERE ").Append(Filters(Query.From, Query.To)).Append(')');
        sql.Append(RankedRows(keys));
        sql.Append(" SELECT ").Append(KeyColumnsOrNull(keys));
        sql.Append("COUNT(*) AS \"Requests\", ")
            .Append(CountWhere("\"Status\" = 'Completed'")).Append(" AS \"Succeeded\", ")
            .Append(CountWhere("\"Status\" = 'Failed'")).Append(" AS \"Failed\", ")
            .Append(CountWhere("\"Status\" = 'Cancelled'")).Append(" AS \"Cancelled\", ")
            .Append(CountWhere("\"Cached\"")).Append(" AS \"Cached\", ")
            .Append(Sum("\"PromptTokens\"")).Append(" AS \"PromptTokens\", ")
            .Append(Sum("\"CompletionTokens\"")).Append(" AS \"CompletionTokens\", ")
            .Append(SumCost()).Append(" AS \"Cost\", ")
            .Append(Percentile("Latency", 0.5)).Append(" AS \"LatencyP50\", ")
            .Append(Percentile("Latency", 0.95)).Append(" AS \"LatencyP95\", ")
            .Append(Percentile("Latency", 0.99)).Append(" AS \"LatencyP99\", ")
            .Append(Percentile("Ttft", 0.5)).Append(" AS \"TtftP50\", ")
            .Append(Percentile("Ttft", 0.95)).Append(" AS \"TtftP95\", ")
            .Append("NULL AS \"LatencyHistogram\", NULL AS \"TtftHistogram\"");
        sql.Append(" FROM ").Append(RankedSource());
        return sql.Append(GroupAndLimit(keys, limit)).ToString();
    }

    /// <summary>
    /// The rollups (of <paramref name="hours"/>' level) of its hours and the raw rows of the rest of the range, each turned into
    /// the same columns (a raw row counts as a rollup of itself) and summed together; percentiles come back as summed
    /// histograms, for <see cref="UsageHistogramPercentile"/> to read.
    /// </summary>
    private string BuildFromRollups(int limit, RolledUpHours hours)
    {
        var keys = SelectedKeyColumns();
        var summed = string.Join(", ", UsageRollupColumns.Summed.Select(Quote));
        var sql = new StringBuilder();
        var rollups = $"(SELECT \"HourStart\" AS \"CreatedAt\", r.* FROM {Quote(hours.Level.Table())} AS r) AS h";
        sql.Append("WITH f AS (SELECT ").Append(KeyExpressions()).Append(summed)
            .Append(" FROM ").Append(Source(rollups)).Append(" WHERE ").Append(Filters(hours.From, hours.To));
        // The raw rows of the range's parts outside the rolled-up hours, each a range an index on CreatedAt can seek;
        // none at all when the rollups cover the whole range.
        var rawParts = new List<string>();
        if (Query.From < hours.From)
            rawParts.Add($"(\"CreatedAt\" >= {Parameter(Query.From!.Value)} AND \"CreatedAt\" < {Parameter(hours.From)})");
        if (hours.To < Query.To)
            rawParts.Add($"(\"CreatedAt\" >= {Parameter(hours.To)} AND \"CreatedAt\" < {Parameter(Query.To!.Value)})");
        if (rawParts.Count > 0)
            sql.Append(" UNION ALL SELECT ").Append(KeyExpressions()).Append(UsageRollupColumns.OfOneEvent())
                .Append(" FROM ").Append(Source("\"UsageEvents\"")).Append(" WHERE ").Append(Filters(null, null))
                .Append(" AND (").Append(string.Join(" OR ", rawParts)).Append(')');
        sql.Append(')');
        sql.Append(" SELECT ").Append(KeyColumnsOrNull(keys));
        foreach (var column in new[] { "Requests", "Succeeded", "Failed", "Cancelled", "Cached", "PromptTokens", "CompletionTokens" })
            sql.Append(Sum(Quote(column))).Append(" AS ").Append(Quote(column)).Append(", ");
        sql.Append(SumCost()).Append(" AS \"Cost\", ");
        foreach (var column in new[] { "LatencyP50", "LatencyP95", "LatencyP99", "TtftP50", "TtftP95" })
            sql.Append("NULL AS ").Append(Quote(column)).Append(", ");
        sql.Append(Histogram(UsageHistogram.LatencyColumn)).Append(" AS \"LatencyHistogram\", ")
            .Append(Histogram(UsageHistogram.TimeToFirstTokenColumn)).Append(" AS \"TtftHistogram\"");
        sql.Append(" FROM f");
        return sql.Append(GroupAndLimit(keys, limit)).ToString();
    }

    /// <summary>A histogram's summed buckets as one text, <c>n0,n1,…</c>.</summary>
    private string Histogram(Func<int, string> column) =>
        JoinWithCommas([.. Enumerable.Range(0, UsageHistogram.BucketCount).Select(b => $"COALESCE(SUM({Quote(column(b))}), 0)")]);

    private string KeyExpressions()
    {
        var sql = new StringBuilder();
        foreach (var (dimension, columns) in KeyColumns.Where(k => Query.Groups(k.Dimension)))
            foreach (var column in columns)
                sql.Append(KeyExpression(dimension, column)).Append(" AS ").Append(Quote(column)).Append(", ");
        return sql.ToString();
    }

    private static string KeyColumnsOrNull(List<string> keys)
    {
        var sql = new StringBuilder();
        foreach (var (_, columns) in KeyColumns)
            foreach (var column in columns)
                sql.Append(keys.Contains(column) ? Quote(column) : "NULL").Append(" AS ").Append(Quote(column)).Append(", ");
        return sql.ToString();
    }

    private string GroupAndLimit(List<string> keys, int limit)
    {
        var keyList = string.Join(", ", keys.Select(Quote));
        var sql = keys.Count > 0 ? " GROUP BY " + keyList + " ORDER BY " + keyList : "";
        return sql + " LIMIT " + Parameter(limit);
    }

    /// <summary>Text expressions joined with commas into one text.</summary>
    protected abstract string JoinWithCommas(IReadOnlyList<string> expressions);

    /// <summary>The expression of a key column, over the rows of <see cref="Source"/>.</summary>
    protected abstract string KeyExpression(UsageDimension dimension, string column);

    /// <summary>The rows the keys are computed from (the filters apply to it): <paramref name="rows"/>, with what the dialect adds.</summary>
    protected virtual string Source(string rows) => rows;

    /// <summary>A second CTE (starting with a comma) that ranks the rows for the percentiles, if the dialect needs one.</summary>
    protected virtual string RankedRows(IReadOnlyList<string> keys) => "";

    protected virtual string RankedSource() => "f";

    /// <summary>The percentile (0 to 1) of <c>Latency</c> or <c>Ttft</c> over a group, interpolated like <c>percentile_cont</c>.</summary>
    protected abstract string Percentile(string measure, double fraction);

    protected abstract string CountWhere(string condition);

    protected abstract string Sum(string column);

    protected abstract string SumCost();

    /// <summary>A value the database binds: dates as UTC, ids in the database's own form.</summary>
    protected virtual object Bind(object value) => value;

    protected string Parameter(object value)
    {
        _parameters.Add(Bind(value));
        return "{" + (_parameters.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
    }

    protected static string Quote(string column) => "\"" + column + "\"";

    protected static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private List<string> SelectedKeyColumns() =>
        [.. KeyColumns.Where(k => Query.Groups(k.Dimension)).SelectMany(k => k.Columns)];

    private string Filters(DateTime? from, DateTime? to)
    {
        var conditions = new List<string> { "1 = 1" };
        if (from is { } start)
            conditions.Add("\"CreatedAt\" >= " + Parameter(start));
        if (to is { } end)
            conditions.Add("\"CreatedAt\" < " + Parameter(end));
        AddIn(conditions, "Provider", Query.Providers);
        AddIn(conditions, "Model", Query.Models);
        AddIn(conditions, "PersonaId", Query.PersonaIds);
        AddIn(conditions, "UserId", Query.UserIds);
        AddIn(conditions, "ConversationId", Query.ConversationIds);
        return string.Join(" AND ", conditions);
    }

    private void AddIn<T>(List<string> conditions, string column, IReadOnlyList<T>? values)
        where T : notnull
    {
        if (values is null)
            return;
        conditions.Add(values.Count == 0
            ? "1 = 0"
            : Quote(column) + " IN (" + string.Join(", ", values.Distinct().Select(v => Parameter(v))) + ")");
    }
}
