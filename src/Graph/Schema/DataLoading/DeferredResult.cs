using GraphQL.DataLoader;

namespace LlmPlatform.Graph.Schema.DataLoading;

/// <summary>A result fetched on its own when the engine asks for it, for lookups that do not batch.</summary>
public sealed class DeferredResult<T>(Func<CancellationToken, Task<T>> fetch) : IDataLoaderResult<T>
{
    public Task<T> GetResultAsync(CancellationToken cancellationToken = default) => fetch(cancellationToken);

    async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await fetch(cancellationToken);
}
