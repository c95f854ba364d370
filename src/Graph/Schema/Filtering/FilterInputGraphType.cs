using System.Linq.Expressions;
using GraphQL;
using GraphQL.Types;

namespace LlmPlatform.Graph.Schema.Filtering;

/// <summary>
/// A `where:` input over <typeparamref name="TEntity"/>: one operation input per filterable property plus
/// `and`/`or`. It also turns a parsed argument into an expression the database evaluates.
/// </summary>
public abstract class FilterInputGraphType<TEntity> : InputObjectGraphType
{
    private readonly Dictionary<string, FilterField> _filters = new(StringComparer.Ordinal);
    private readonly ParameterExpression _entity = Expression.Parameter(typeof(TEntity), "e");

    protected FilterInputGraphType(string name, string itemsDescription)
    {
        Name = name;
        Description = $"Conditions on {itemsDescription}; all that are given must hold.";
        Field("and", new ListGraphType(new NonNullGraphType(new GraphQLTypeReference(name))))
            .Description("Every one of these conditions must hold.");
        Field("or", new ListGraphType(new NonNullGraphType(new GraphQLTypeReference(name))))
            .Description("At least one of these conditions must hold.");
    }

    /// <summary>Makes <paramref name="property"/> filterable as <paramref name="name"/>.</summary>
    protected void Filter<TProperty>(string name, Expression<Func<TEntity, TProperty>> property, string description)
    {
        ArgumentNullException.ThrowIfNull(property);
        AddField(new FieldType { Name = name, Type = OperationInputFor(typeof(TProperty)), Description = description });
        // Rebind the selector to one shared parameter so that combined conditions form one lambda.
        var body = new ReplaceParameter(property.Parameters[0], _entity).Visit(property.Body);
        _filters.Add(name, new FilterField<TProperty>(body));
    }

    /// <summary>
    /// The condition a parsed `where:` argument describes, or null when it describes none; an INVALID_FILTER error
    /// when it holds more conditions, or longer lists, than <paramref name="limits"/> allow.
    /// </summary>
    public Expression<Func<TEntity, bool>>? ToPredicate(IDictionary<string, object?>? where, FilteringOptions limits)
    {
        var body = where is null ? null : Condition(where, new FilterBudget(limits));
        return body is null ? null : Expression.Lambda<Func<TEntity, bool>>(body, _entity);
    }

    private Expression? Condition(IDictionary<string, object?> where, FilterBudget budget)
    {
        Expression? all = null;
        foreach (var (name, value) in where)
        {
            Expression? condition = name switch
            {
                "and" => Combine(value, Expression.AndAlso, budget),
                "or" => Combine(value, Expression.OrElse, budget),
                _ when value is IDictionary<string, object?> operations => _filters[name].Build(operations, name, budget),
                _ => null,
            };
            if (condition is not null)
                all = all is null ? condition : Expression.AndAlso(all, condition);
        }
        return all;
    }

    private Expression? Combine(object? list, Func<Expression, Expression, BinaryExpression> join, FilterBudget budget)
    {
        if (list is not IEnumerable<object?> items)
            return null;
        Expression? combined = null;
        foreach (var item in items)
        {
            budget.Spend();
            if (item is IDictionary<string, object?> where && Condition(where, budget) is { } condition)
                combined = combined is null ? condition : join(combined, condition);
        }
        return combined;
    }

    private static Type OperationInputFor(Type property) =>
        (Nullable.GetUnderlyingType(property) ?? property) switch
        {
            var t when t == typeof(string) => typeof(StringOperationFilterInputGraphType),
            var t when t == typeof(bool) => typeof(BooleanOperationFilterInputGraphType),
            var t when t == typeof(int) => typeof(IntOperationFilterInputGraphType),
            var t when t == typeof(double) => typeof(FloatOperationFilterInputGraphType),
            var t when t == typeof(DateTime) => typeof(DateTimeOperationFilterInputGraphType),
            var t => throw new NotSupportedException($"No filter operations for {t.Name}."),
        };

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

internal static class FilterErrors
{
    public static ExecutionError Invalid(string message) => new(message) { Code = "INVALID_FILTER" };
}

/// <summary>Counts the conditions of one `where:` as it is turned into an expression, and stops it at the limits.</summary>
internal sealed class FilterBudget(FilteringOptions limits)
{
    private int _conditions;

    public int MaxListValues => limits.MaxListValues;

    public void Spend()
    {
        if (++_conditions > limits.MaxConditions)
            throw FilterErrors.Invalid($"A filter may hold at most {limits.MaxConditions} conditions (operations on fields and elements of `and` and `or`).");
    }
}
