using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// Cached replies in this instance's memory, bounded by <see cref="ResponseCacheOptions.MaxEntries"/> and
/// <see cref="ResponseCacheOptions.MaxBytes"/>, the least recently used evicted first.
/// </summary>
/// <remarks>
/// Not <c>MemoryCache</c>: over its size limit it refuses the new entry and compacts later, in the background, so the
/// bound is not kept at the moment of writing and the newest reply is the one lost; nor does it read time from a
/// <see cref="TimeProvider"/>. A list and a map under one lock keep both bounds exactly and expire by the given clock.
/// </remarks>
public sealed class MemoryResponseCacheStore(IOptions<ResponseCacheOptions> options, TimeProvider clock) : IResponseCacheStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
                return Task.FromResult<byte[]?>(null);
            if (node.Value.ExpiresAt <= clock.GetUtcNow())
            {
                Remove(node);
                return Task.FromResult<byte[]?>(null);
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            return Task.FromResult<byte[]?>(node.Value.Value);
        }
    }

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var limits = options.Value;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
                Remove(existing);
            var node = _recency.AddFirst(new Entry(key, value, clock.GetUtcNow() + timeToLive));
            _entries[key] = node;
            _bytes += value.Length;
            while ((_bytes > limits.MaxBytes || _entries.Count > limits.MaxEntries) && _recency.Last is { } oldest)
                Remove(oldest);
        }
        return Task.CompletedTask;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Value.Length;
    }

    private sealed record Entry(string Key, byte[] Value, DateTimeOffset ExpiresAt);
}
