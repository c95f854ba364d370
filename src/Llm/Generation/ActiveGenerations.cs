using System.Collections.Concurrent;
using LlmPlatform.Data.Queries;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// The generations running on this instance: how to cancel each, who may, and how many are watching it.
/// </summary>
public sealed class ActiveGenerations
{
    private readonly ConcurrentDictionary<Guid, Running> _running = new();

    public int Count => _running.Count;

    internal Running Add(Guid generationId, Guid ownerId, CancellationTokenSource cancellation)
    {
        var running = new Running(ownerId, cancellation);
        _running[generationId] = running;
        return running;
    }

    internal void Remove(Guid generationId) => _running.TryRemove(generationId, out _);

    internal Running? Find(Guid generationId) => _running.GetValueOrDefault(generationId);

    /// <summary>True while the generation runs on this instance.</summary>
    public bool IsRunning(Guid generationId) => _running.ContainsKey(generationId);

    /// <summary>Cancels a running generation the viewer may see; false when there is none.</summary>
    public bool Cancel(Guid generationId, Viewer viewer)
    {
        if (!_running.TryGetValue(generationId, out var running) || !viewer.CanSee(running.OwnerId))
            return false;
        running.Cancel();
        return true;
    }

    /// <summary>Cancels every running generation (shutdown) and waits until each has stored its message.</summary>
    public async Task CancelAllAsync(CancellationToken cancellationToken)
    {
        var all = _running.Values.ToList();
        foreach (var running in all)
            running.Cancel();
        await Task.WhenAll(all.Select(r => r.Completion)).WaitAsync(cancellationToken);
    }

    internal sealed class Running(Guid ownerId, CancellationTokenSource cancellation)
    {
        private readonly Lock _gate = new();
        private int _viewers;
        private CancellationTokenSource? _unwatched;

        public Guid OwnerId { get; } = ownerId;

        public CancellationToken Token { get; } = cancellation.Token;

        public Task Completion { get; set; } = Task.CompletedTask;

        public void Cancel()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile: nothing left to cancel.
            }
        }

        public void AddViewer()
        {
            lock (_gate)
            {
                _viewers++;
                _unwatched?.Cancel();
                _unwatched = null;
            }
        }

        /// <summary>The last viewer left: cancel after <paramref name="grace"/> unless someone comes back.</summary>
        public void RemoveViewer(TimeSpan? grace, TimeProvider clock)
        {
            lock (_gate)
            {
                if (--_viewers > 0 || grace is not { } wait)
                    return;
                if (wait <= TimeSpan.Zero)
                {
                    Cancel();
                    return;
                }
                var timer = _unwatched = new CancellationTokenSource();
                _ = Task.Delay(wait, clock, timer.Token).ContinueWith(
                    t => { if (!t.IsCanceled) Cancel(); }, TaskScheduler.Default);
            }
        }
    }
}
