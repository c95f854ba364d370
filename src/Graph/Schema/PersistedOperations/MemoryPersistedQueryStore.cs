using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>Persisted queries in this instance's memory, bounded by <see cref="PersistedQueryOptions.MemoryCacheSize"/>.</summary>
public sealed class MemoryPersistedQueryStore(IOptions<PersistedQueryOptions> options) : IPersistedQueryStore, IDisposable
{
    // MemoryCache compacts by priority then least recent use once the size limit is reached.
    private readonly MemoryCache _queries = new(new MemoryCacheOptions { SizeLimit = options.Value.MemoryCacheSize });

    public ValueTask<string?> GetAsync(string hash, CancellationToken cancellationToken) =>
        new(_queries.TryGetValue(hash, out string? query) ? query : null);

    public ValueTask SetAsync(string hash, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        _queries.Set(hash, query, new MemoryCacheEntryOptions { Size = Math.Max(1, query.Length) });
        return default;
    }

    public void Dispose() => _queries.Dispose();
}
