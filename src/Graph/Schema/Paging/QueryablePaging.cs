using LlmPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Schema.Paging;

public static class QueryablePaging
{
    /// <summary>
    /// Reads one page of a list in the database. The list is described as a query over a context so that
    /// the page and a later `totalCount` each run on their own context: sibling fields resolve in parallel.
    /// </summary>
    public static async Task<Connection<T>> ReadPageAsync<T>(
        this IDbContextFactory<PlatformDbContext> contexts,
        Func<PlatformDbContext, IQueryable<T>> list,
        Func<IQueryable<T>, IQueryable<T>> order,
        PageRequest page,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(page);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = list(db).AsNoTracking();
        int? count = PageWindow.NeedsCount(page) ? await query.CountAsync(cancellationToken) : null;
        var window = PageWindow.For(page, count);
        // `first: 0` still reads its one extra row: it is what tells the client whether a next page exists.
        var take = window.Take + (window.ReadOneMore ? 1 : 0);
        var rows = take == 0
            ? []
            : await order(query).Skip(window.Skip).Take(take).ToListAsync(cancellationToken);

        return window.ToConnection(page, rows, count is { } known
            ? _ => Task.FromResult(known)
            : async ct =>
            {
                await using var countDb = await contexts.CreateDbContextAsync(ct);
                return await list(countDb).CountAsync(ct);
            });
    }
}
