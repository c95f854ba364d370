namespace LlmPlatform.Graph.Schema.Paging;

/// <summary>One page of a list: its items with their positions, and how to learn the list's length.</summary>
public sealed class Connection<T>(
    IReadOnlyList<Edge<T>> edges,
    bool hasPreviousPage,
    bool hasNextPage,
    Func<CancellationToken, Task<int>> totalCount)
{
    public IReadOnlyList<Edge<T>> Edges { get; } = edges;
    public bool HasPreviousPage { get; } = hasPreviousPage;
    public bool HasNextPage { get; } = hasNextPage;

    /// <summary>Counted only when a client asks for it, unless paging already had to.</summary>
    public Task<int> GetTotalCountAsync(CancellationToken cancellationToken) => totalCount(cancellationToken);

    public static Connection<T> Empty { get; } = new([], false, false, _ => Task.FromResult(0));
}

public readonly record struct Edge<T>(T Node, int Index)
{
    public string Cursor => PageRequest.EncodeCursor(Index);
}
