using System.Collections.Concurrent;
using System.Text;

namespace LlmPlatform.Llm.Generation;

/// <summary>The generations running on this instance: how to cancel each, and its reply so far for checkpoints.</summary>
public sealed class ActiveGenerations
{
    private readonly ConcurrentDictionary<Guid, Running> _running = new();

    public int Count => _running.Count;

    internal Running Add(GenerationStarted started)
    {
        var running = new Running(started);
        _running[started.GenerationId] = running;
        return running;
    }

    internal void Remove(Guid generationId) => _running.TryRemove(generationId, out _);

    internal Running? Find(Guid generationId) => _running.GetValueOrDefault(generationId);

    internal ICollection<Running> All => _running.Values;

    /// <summary>True while the generation runs on this instance.</summary>
    public bool IsRunning(Guid generationId) => _running.ContainsKey(generationId);

    /// <summary>Cancels the generation if it runs here; false when it does not.</summary>
    public bool Cancel(Guid generationId)
    {
        if (!_running.TryGetValue(generationId, out var running))
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

    internal sealed class Running(GenerationStarted started) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();
        private readonly Lock _gate = new();
        private readonly StringBuilder _reply = new();
        private int _chunks;
        private int _checkpointedChunks;

        public GenerationStarted Started { get; } = started;

        public CancellationToken Token => _cancellation.Token;

        public Task Completion { get; set; } = Task.CompletedTask;

        /// <summary>When the lease was last renewed (by a checkpoint or on its own).</summary>
        public DateTimeOffset LeaseRenewedAt { get; set; }

        public void Cancel()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile: nothing left to cancel.
            }
        }

        /// <summary>Adds a published chunk to the reply; returns its index.</summary>
        public int Append(string text)
        {
            lock (_gate)
            {
                _reply.Append(text);
                return _chunks++;
            }
        }

        public (string Text, int Chunks) Reply()
        {
            lock (_gate)
                return (_reply.ToString(), _chunks);
        }

        /// <summary>The reply when it has grown since the last checkpoint; null otherwise.</summary>
        public (string Text, int Chunks)? TakeCheckpoint()
        {
            lock (_gate)
            {
                if (_chunks == _checkpointedChunks)
                    return null;
                _checkpointedChunks = _chunks;
                return (_reply.ToString(), _chunks);
            }
        }

        public void Dispose() => _cancellation.Dispose();
    }
}
