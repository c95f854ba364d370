using System.Globalization;
using System.Text;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Writes one parameterised statement that groups raw <c>UsageEvents</c> rows and computes every sum and percentile of
/// a <see cref="UsageQuery"/> in the database. Only column names from a fixed list and numeric constants of ours are
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

    protected UsageSql(UsageQuery query) => Query = query;

    protected UsageQuery Query { get; }

    public IReadOnlyList<object> Parameters => _parameters;

    /// <summary>The statement: at most <paramref name="limit"/> buckets, ordered by their keys.</summary>
    public string Build(int limit)
    {
        var keys = SelectedKeyColumns();
        var keyList = string.Join(", ", keys.Select(Quote));
        var sql = new StringBuilder();
        sql.Append("WITH f AS (SELECT ");
        foreach (var (dimension, columns) in KeyColumns.Where(k => Query.Groups(k.Dimension)))
            foreach (var column in columns)
                sql.Append(KeyExpression(dimension, column)).Append(" AS ").Append(Quote(column)).Append(", ");
        sql.Append("\"Status\", \"Cached\", \"PromptTokens\", \"CompletionTokens\", \"Cost\", \"LatencyMs\", \"TimeToFirstTokenMs\" FROM ")
            .Append(Source()).Append(" WHERE ").Append(Filters()).Append(')');
        sql.Append(RankedRows(keys));
        sql.Append(" SELECT ");
        foreach (var (_, columns) in KeyColumns)
            foreach (var column in columns)
                sql.Append(keys.Contains(column) ? Quote(column) : "NULL").Append(" AS ").Append(Quote(column)).Append(", ");
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
            .Append(Percentile("Ttft", 0.95)).Append(" AS \"TtftP95\"");
        sql.Append(" FROM ").Append(RankedSource());
        if (keys.Count > 0)
            sql.Append(" GROUP BY ").Append(keyList).Append(" ORDER BY ").Append(keyList);
        sql.Append(" LIMIT ").Append(Parameter(limit));
        return sql.ToString();
    }

    /// <summary>The expression of a key column, over the rows of <see cref="Source"/>.</summary>
    protected abstract string KeyExpression(UsageDimension dimension, string column);

    /// <summary>The rows the keys are computed from (the filters apply to it).</summary>
    protected virtual string Source() => "\"UsageEvents\"";

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

    private string Filters()
    {
        var conditions = new List<string> { "1 = 1" };
        if (Query.From is { } from)
            conditions.Add("\"CreatedAt\" >= " + Parameter(from));
        if (Query.To is { } to)
            conditions.Add("\"CreatedAt\" < " + Parameter(to));
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
