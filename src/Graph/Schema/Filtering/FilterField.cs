using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace LlmPlatform.Graph.Schema.Filtering;

/// <summary>One filterable property: builds the condition for each operation given on it.</summary>
internal abstract class FilterField
{
    public abstract Expression? Build(IDictionary<string, object?> operations, string fieldName, FilterBudget budget);
}

internal sealed class FilterField<TProperty>(Expression property) : FilterField
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo StringSubstring = typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!;
    private static readonly MethodInfo ListContains = typeof(List<TProperty>).GetMethod(nameof(List<TProperty>.Contains))!;

    /// <summary>True for a property that can never hold null (a non-nullable value type).</summary>
    private static readonly bool NeverNull = typeof(TProperty).IsValueType && Nullable.GetUnderlyingType(typeof(TProperty)) is null;

    public override Expression? Build(IDictionary<string, object?> operations, string fieldName, FilterBudget budget)
    {
        Expression? all = null;
        foreach (var (operation, value) in operations)
        {
            budget.Spend();
            if (value is ICollection<object?> { Count: var count } && count > budget.MaxListValues)
                throw FilterErrors.Invalid($"`{fieldName}.{operation}` may list at most {budget.MaxListValues} values.");
            var condition = Operation(operation, value, fieldName);
            all = all is null ? condition : Expression.AndAlso(all, condition);
        }
        return all;
    }

    private Expression Operation(string operation, object? value, string fieldName)
    {
        if (value is null && operation is not ("eq" or "neq"))
            throw FilterErrors.Invalid($"`{fieldName}.{operation}` cannot be null.");
        return operation switch
        {
            // A property that is never null equals no null: converting null to it would match its default instead (0, false).
            "eq" when value is null && NeverNull => Expression.Constant(false),
            "neq" when value is null && NeverNull => Expression.Constant(true),
            "eq" => Expression.Equal(property, Parameter(value)),
            "neq" => Expression.NotEqual(property, Parameter(value)),
            "in" => InList(value),
            "nin" => Expression.Not(InList(value)),
            "contains" => Expression.Call(property, StringContains, Parameter(value)),
            "ncontains" => Expression.Not(Expression.Call(property, StringContains, Parameter(value))),
            "ieq" => Expression.Equal(Lower(property), Lower(Parameter(value))),
            "icontains" => Expression.Call(Lower(property), StringContains, Lower(Parameter(value))),
            "startsWith" => StartsWith(value),
            "nstartsWith" => Expression.Not(StartsWith(value)),
            "endsWith" => EndsWith(value),
            "nendsWith" => Expression.Not(EndsWith(value)),
            "gt" => Expression.GreaterThan(property, Parameter(value)),
            "ngt" => Expression.Not(Expression.GreaterThan(property, Parameter(value))),
            "gte" => Expression.GreaterThanOrEqual(property, Parameter(value)),
            "ngte" => Expression.Not(Expression.GreaterThanOrEqual(property, Parameter(value))),
            "lt" => Expression.LessThan(property, Parameter(value)),
            "nlt" => Expression.Not(Expression.LessThan(property, Parameter(value))),
            "lte" => Expression.LessThanOrEqual(property, Parameter(value)),
            "nlte" => Expression.Not(Expression.LessThanOrEqual(property, Parameter(value))),
            _ => throw FilterErrors.Invalid($"`{fieldName}` has no operation `{operation}`."),
        };
    }

    // string.StartsWith/EndsWith become LIKE, which SQLite compares without case while PostgreSQL (and `contains`,
    // and `eq`) compare with it. Comparing the leading or trailing part of the text is case-sensitive on both.
    private BinaryExpression StartsWith(object? value)
    {
        var text = Parameter(value);
        return Expression.Equal(Expression.Call(property, StringSubstring, Expression.Constant(0), Length(text)), text);
    }

    private BinaryExpression EndsWith(object? value)
    {
        var text = Parameter(value);
        var start = Expression.Subtract(Length(property), Length(text));
        return Expression.AndAlso(
            Expression.GreaterThanOrEqual(start, Expression.Constant(0)),
            Expression.Equal(Expression.Call(property, StringSubstring, start, Length(text)), text));
    }

    // Both databases translate ToLower to lower() and Contains to a substring search (instr, strpos), so one
    // expression means the same on each, with no LIKE whose `%` and `_` would need escaping. One difference stays
    // and is documented: SQLite's lower() folds only A-Z, PostgreSQL's every letter its locale knows (Ä and ä).
    private static MethodCallExpression Lower(Expression text) => Expression.Call(text, StringToLower);

    private static MemberExpression Length(Expression text) => Expression.Property(text, nameof(string.Length));

    private MethodCallExpression InList(object? value)
    {
        var values = ((IEnumerable<object?>)value!).Where(v => v is not null || !NeverNull).Select(Convert).ToList();
        return Expression.Call(Hold(values), ListContains, property);
    }

    // Values go in as members of a captured object, which EF Core sends as SQL parameters (one cached plan)
    // instead of literals (a new plan for every value).
    private static MemberExpression Parameter(object? value) => Hold(Convert(value));

    private static MemberExpression Hold<T>(T value) =>
        Expression.Property(Expression.Constant(new Holder<T>(value)), nameof(Holder<T>.Value));

    private static TProperty Convert(object? value) => value switch
    {
        null => default!,
        DateTime time => (TProperty)(object)Utc(time),
        DateTimeOffset time => (TProperty)(object)time.UtcDateTime,
        TProperty typed => typed,
        _ => (TProperty)System.Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(TProperty)) ?? typeof(TProperty), CultureInfo.InvariantCulture),
    };

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private sealed class Holder<T>(T value)
    {
        public T Value { get; } = value;
    }
}
