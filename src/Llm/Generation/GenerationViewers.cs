using System.Collections.Concurrent;
using LlmPlatform.Llm.Telemetry;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// How many viewers on this instance watch each generation, wherever it runs, and when the last one left. The heartbeat
/// reports them to the other instances and decides, with theirs, when a generation nobody watches is cancelled.
/// </summary>
public sealed class GenerationViewers(TimeProvider clock, LlmMetrics metrics)
{
    private readonly ConcurrentDictionary<Guid, Watch> _watches = new();

    /// <summary>A viewer starts watching; dispose the result when it stops.</summary>
    public IDisposable Add(Guid generationId)
    {
        while (true)
        {
            var watch = _watches.GetOrAdd(generationId, _ => new Watch());
            lock (watch)
            {
                // Forgotten between the lookup and the lock: take the new one.
                if (watch.Forgotten)
                    continue;
                watch.Count++;
            }
            metrics.ViewersChanged(1);
            return new Leave(this, generationId, watch);
        }
    }

    /// <summary>Viewers here now, and when the last one left (null when none ever watched here, or some still do).</summary>
    public (int Count, DateTimeOffset? LastLeftAt) Of(Guid generationId)
    {
        if (!_watches.TryGetValue(generationId, out var watch))
            return (0, null);
        lock (watch)
            return (watch.Count, watch.Count == 0 ? watch.LastLeftAt : null);
    }

    /// <summary>Generations watched here now.</summary>
    public IEnumerable<Guid> Watched() => _watches.Where(w => w.Value.Count > 0).Select(w => w.Key);

    /// <summary>Raised when the last viewer here leaves a generation.</summary>
    public event Action<Guid>? LastLeft;

    /// <summary>Forgets generations nobody here has watched since <paramref name="before"/>.</summary>
    public void ForgetIdle(DateTimeOffset before)
    {
        foreach (var (id, watch) in _watches)
        {
            lock (watch)
            {
                if (watch.Count > 0 || watch.LastLeftAt >= before)
                    continue;
                watch.Forgotten = true;
            }
            _watches.TryRemove(new KeyValuePair<Guid, Watch>(id, watch));
        }
    }

    private void Remove(Guid generationId, Watch watch)
    {
        metrics.ViewersChanged(-1);
        bool last;
        lock (watch)
        {
            last = --watch.Count == 0;
            if (last)
                watch.LastLeftAt = clock.GetUtcNow();
        }
        if (last)
            LastLeft?.Invoke(generationId);
    }

    private sealed class Watch
    {
        public int Count;
        public DateTimeOffset? LastLeftAt;
        public bool Forgotten;
    }

    private sealed class Leave(GenerationViewers viewers, Guid generationId, Watch watch) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
                viewers.Remove(generationId, watch);
        }
    }
}
