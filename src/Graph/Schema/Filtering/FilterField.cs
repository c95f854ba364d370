using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace LlmPlatform.Graph.Schema.Filtering;

/// <summary>One filterable property: builds the condition for each operation given on it.</summary>
internal abstract class FilterField
{
    public abstract Expression? Build(IDictionary<string, object?> operations, string fieldName);
}

internal sealed class FilterField<TProperty>(Expression property) : FilterField
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo StringEndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo ListContains = typeof(List<TProperty>).GetMethod(nameof(List<TProperty>.Contains))!;

    public override Expression? Build(IDictionary<string, object?> operations, string fieldName)
    {
        Expression? all = null;
        foreach (var (operation, value) in operations)
        {
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
            "eq" => Expression.Equal(property, Parameter(value)),
            "neq" => Expression.NotEqual(property, Parameter(value)),
            "in" => InList(value),
            "nin" => Expression.Not(InList(value)),
            "contains" => Text(StringContains, value),
            "ncontains" => Expression.Not(Text(StringContains, value)),
            "startsWith" => Text(StringStartsWith, value),
            "nstartsWith" => Expression.Not(Text(StringStartsWith, value)),
            "endsWith" => Text(StringEndsWith, value),
            "nendsWith" => Expression.Not(Text(StringEndsWith, value)),
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

    private MethodCallExpression Text(MethodInfo method, object? value) => Expression.Call(property, method, Parameter(value));

    private MethodCallExpression InList(object? value)
    {
        var values = ((IEnumerable<object?>)value!).Select(Convert).ToList();
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
