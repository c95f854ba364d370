using GraphQL.DataLoader;

namespace LlmPlatform.Graph.Schema.DataLoading;

/// <summary>
/// Collects the keys that resolvers ask for while the engine walks one level of the query, then fetches them
/// in one call when the engine first awaits a result. Registered per operation (scoped), so it also caches.
/// </summary>
public abstract class BatchLoader<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Batch> _batchOfKey = [];
    private Batch? _open;

    /// <summary>A result the engine resolves together with every other key requested before it awaits.</summary>
    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        lock (_gate)
        {
            if (!_batchOfKey.TryGetValue(key, out var batch))
            {
                batch = _open ??= new Batch(this);
                batch.Keys.Add(key);
                _batchOfKey.Add(key, batch);
            }
            return new Result(batch, key);
        }
    }

    protected abstract Task<IReadOnlyDictionary<TKey, TValue>> FetchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken);

    private Task<IReadOnlyDictionary<TKey, TValue>> Dispatch(Batch batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Keys asked for after this point start a new batch; this one is sealed.
            if (ReferenceEquals(_open, batch))
                _open = null;
            return batch.Fetch ??= FetchAsync(batch.Keys, cancellationToken);
        }
    }

    private sealed class Batch(BatchLoader<TKey, TValue> loader)
    {
        public List<TKey> Keys { get; } = [];
        public Task<IReadOnlyDictionary<TKey, TValue>>? Fetch { get; set; }
        public Task<IReadOnlyDictionary<TKey, TValue>> RunAsync(CancellationToken cancellationToken) => loader.Dispatch(this, cancellationToken);
    }

    private sealed class Result(Batch batch, TKey key) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = await batch.RunAsync(cancellationToken);
            return values.TryGetValue(key, out var value) ? value : default;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken);
    }
}
