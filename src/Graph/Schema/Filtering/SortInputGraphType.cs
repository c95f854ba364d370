using System.Linq.Expressions;
using GraphQL;
using GraphQL.Types;

namespace LlmPlatform.Graph.Schema.Filtering;

public enum SortEnumType
{
    Asc,
    Desc,
}

public sealed class SortEnumGraphType : EnumerationGraphType<SortEnumType>
{
    public SortEnumGraphType()
    {
        Name = "SortEnumType";
        Description = "The direction of a sort.";
        Values.FindByName("ASC")!.Description = "Smallest, earliest or alphabetically first first.";
        Values.FindByName("DESC")!.Description = "Largest, latest or alphabetically last first.";
    }
}

/// <summary>
/// An `order:` input over <typeparamref name="TEntity"/>: each element names one property and a direction;
/// earlier elements sort first. The entity's key always breaks ties, so pages never overlap or skip.
/// </summary>
public abstract class SortInputGraphType<TEntity> : InputObjectGraphType
{
    private readonly Dictionary<string, LambdaExpression> _sorts = new(StringComparer.Ordinal);

    protected SortInputGraphType(string name, string itemsDescription)
    {
        Name = name;
        Description = $"How to order {itemsDescription}: set one field per element of the list.";
    }

    protected void Sort<TProperty>(string name, Expression<Func<TEntity, TProperty>> property, string description)
    {
        Field<SortEnumGraphType>(name).Description(description);
        _sorts.Add(name, property);
    }

    /// <summary>
    /// Fails when the list has more than <paramref name="maxElements"/> elements (each adds a sort the database
    /// walks recursively), or when an element sets more than one field: input object fields have no order in GraphQL
    /// (the engine hands them over in the order they are declared), so which of them sorts first would be a guess.
    /// </summary>
    public static void CheckElements(IReadOnlyCollection<object?>? order, int maxElements)
    {
        if (order?.Count > maxElements)
            throw new ExecutionError($"`order` may hold at most {maxElements} elements.") { Code = "INVALID_SORT" };
        foreach (var element in order ?? [])
        {
            if (element is IDictionary<string, object?> fields && fields.Count(f => f.Value is not null) > 1)
                throw new ExecutionError("Each element of `order` sets one field: write `[{ a: ASC }, { b: DESC }]` to sort by a, then b.")
                {
                    Code = "INVALID_SORT",
                };
        }
    }

    /// <summary>Orders <paramref name="query"/> as the parsed `order:` argument says, then by the default order.</summary>
    public IQueryable<TEntity> Apply(
        IQueryable<TEntity> query, IEnumerable<object?>? order, Func<IQueryable<TEntity>, IOrderedQueryable<TEntity>> defaultOrder,
        Func<IOrderedQueryable<TEntity>, IOrderedQueryable<TEntity>> tieBreak)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(defaultOrder);
        ArgumentNullException.ThrowIfNull(tieBreak);
        IOrderedQueryable<TEntity>? ordered = null;
        foreach (var element in order ?? [])
        {
            if (element is not IDictionary<string, object?> fields)
                continue;
            foreach (var (name, value) in fields)
            {
                if (value is not SortEnumType direction)
                    continue;
                ordered = OrderBy(ordered ?? query, _sorts[name], direction, thenBy: ordered is not null);
            }
        }
        return tieBreak(ordered ?? defaultOrder(query));
    }

    private static IOrderedQueryable<TEntity> OrderBy(IQueryable<TEntity> query, LambdaExpression key, SortEnumType direction, bool thenBy)
    {
        var method = (thenBy, direction) switch
        {
            (false, SortEnumType.Asc) => nameof(Queryable.OrderBy),
            (false, SortEnumType.Desc) => nameof(Queryable.OrderByDescending),
            (true, SortEnumType.Asc) => nameof(Queryable.ThenBy),
            _ => nameof(Queryable.ThenByDescending),
        };
        var call = Expression.Call(typeof(Queryable), method, [typeof(TEntity), key.ReturnType], query.Expression, Expression.Quote(key));
        return (IOrderedQueryable<TEntity>)query.Provider.CreateQuery<TEntity>(call);
    }
}
