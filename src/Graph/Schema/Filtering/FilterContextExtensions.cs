using System.Linq.Expressions;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.Filtering;

public static class FilterContextExtensions
{
    /// <summary>The condition in this field's `where:` argument, or null when there is none.</summary>
    public static Expression<Func<TEntity, bool>>? Where<TFilter, TEntity>(this IResolveFieldContext context)
        where TFilter : FilterInputGraphType<TEntity>
    {
        ArgumentNullException.ThrowIfNull(context);
        var filter = (TFilter?)context.FieldDefinition.Arguments?.Find("where")?.ResolvedType?.GetNamedType();
        return filter?.ToPredicate(context.GetArgument<Dictionary<string, object?>?>("where"), Limits(context));
    }

    /// <summary>The ordering in this field's `order:` argument.</summary>
    public static SortOrder<TEntity> Order<TSort, TEntity>(this IResolveFieldContext context)
        where TSort : SortInputGraphType<TEntity>
    {
        ArgumentNullException.ThrowIfNull(context);
        var sort = (TSort?)context.FieldDefinition.Arguments?.Find("order")?.ResolvedType?.GetNamedType();
        var elements = context.GetArgument<List<object?>?>("order");
        SortInputGraphType<TEntity>.CheckElements(elements, Limits(context).MaxSortFields);
        return new SortOrder<TEntity>(sort, elements);
    }

    private static FilteringOptions Limits(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<IOptions<FilteringOptions>>().Value;
}

/// <summary>A parsed `order:` argument, applied to a query together with the list's own default and tie-break.</summary>
public sealed record SortOrder<TEntity>(SortInputGraphType<TEntity>? Sort, IReadOnlyList<object?>? Elements)
{
    public IQueryable<TEntity> Apply(
        IQueryable<TEntity> query,
        Func<IQueryable<TEntity>, IOrderedQueryable<TEntity>> defaultOrder,
        Func<IOrderedQueryable<TEntity>, IOrderedQueryable<TEntity>> tieBreak) =>
        Sort is null ? tieBreak(defaultOrder(query)) : Sort.Apply(query, Elements, defaultOrder, tieBreak);
}
