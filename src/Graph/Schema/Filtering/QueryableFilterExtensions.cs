using System.Linq.Expressions;

namespace LlmPlatform.Graph.Schema.Filtering;

public static class QueryableFilterExtensions
{
    public static IQueryable<T> WhereIf<T>(this IQueryable<T> query, Expression<Func<T, bool>>? predicate) =>
        predicate is null ? query : query.Where(predicate);
}
