namespace LlmPlatform.Graph.Schema.Paging;

/// <summary>
/// Where a page starts and how many rows to read, given the list's length when the request needs it.
/// Shared by root lists (one query) and batched nested lists (one query per batch).
/// </summary>
public readonly record struct PageWindow(int Skip, int Take, bool ReadOneMore)
{
    /// <summary>True when the window cannot be placed without the list's length: `last` with no `before`.</summary>
    public static bool NeedsCount(PageRequest page) => page.Last is not null && page.BeforeIndex is null;

    public static PageWindow For(PageRequest page, int? count)
    {
        ArgumentNullException.ThrowIfNull(page);
        var lower = page.Lower;
        if (page.First is { } first)
        {
            var take = page.BeforeIndex is { } before ? Math.Max(0, Math.Min(first, before - lower)) : first;
            // One row past the page tells whether there is a next page without counting.
            return new PageWindow(lower, take, ReadOneMore: page.BeforeIndex is null);
        }

        var upper = page.BeforeIndex ?? count ?? throw new InvalidOperationException("`last` without `before` needs the count.");
        var start = Math.Max(lower, upper - page.Last!.Value);
        return new PageWindow(start, Math.Max(0, upper - start), ReadOneMore: false);
    }

    /// <summary>Builds the page from the rows read for this window.</summary>
    public Connection<T> ToConnection<T>(PageRequest page, IReadOnlyList<T> rows, Func<CancellationToken, Task<int>> totalCount)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(rows);
        var count = Math.Min(rows.Count, Take);
        var edges = new Edge<T>[count];
        for (var i = 0; i < count; i++)
            edges[i] = new Edge<T>(rows[i], Skip + i);
        var hasNext = ReadOneMore ? rows.Count > Take : page.BeforeIndex is not null;
        return new Connection<T>(edges, hasPreviousPage: Skip > 0, hasNextPage: hasNext, totalCount);
    }
}
