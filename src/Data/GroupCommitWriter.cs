using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Data;

/// <summary>
/// Stores items in batches: each caller waits until its item is committed, but the items that arrive while one batch
/// is written go into the next, in one transaction, so a burst costs one commit (and, on SQLite, one writer holding the
/// file's lock) per batch rather than per item. The queue is bounded: when it is full, callers wait for room. A batch
/// the database refuses is written again item by item, so that one bad item fails alone.
/// </summary>
public abstract class GroupCommitWriter<TItem> : BackgroundService
{
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;

    protected GroupCommitWriter(int queueCapacity, int maxBatch)
    {
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(queueCapacity) { SingleReader = true });
    }

    /// <summary>
    /// Returns once the item is stored; throws what <see cref="Refused"/> makes of the failure. A caller that gives up
    /// before its item is taken into a batch stores nothing; once taken, it is stored whatever happens to the caller.
    /// </summary>
    protected async Task WaitStoredAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, cancellationToken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Stored.Task;
    }

    /// <summary>Writes the batch in one transaction.</summary>
    protected abstract Task StoreBatchAsync(IReadOnlyList<TItem> batch);

    /// <summary>What the caller of an item the database refused gets thrown.</summary>
    protected virtual Exception Refused(TItem item, Exception exception) => exception;

    /// <summary>Told when a batch of more than one item was refused, before each is tried alone.</summary>
    protected virtual void BatchRefused(int batchSize, Exception exception)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_maxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
                    batch.Add(pending);
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is written below, so no caller waits for ever.
        }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var pending))
            batch.Add(pending);
        if (batch.Count > 0)
            await CommitAsync(batch);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        batch.RemoveAll(static p => p.Cancellation.IsCancellationRequested && p.Stored.TrySetCanceled(p.Cancellation));
        if (batch.Count == 0)
            return;
        try
        {
            await StoreBatchAsync(batch.ConvertAll(p => p.Item));
            foreach (var pending in batch)
                pending.Stored.TrySetResult();
        }
        catch (Exception e) when (batch.Count > 1)
        {
            BatchRefused(batch.Count, e);
            foreach (var pending in batch)
                await CommitAsync([pending]);
        }
        catch (Exception e)
        {
            batch[0].Stored.TrySetException(Refused(batch[0].Item, e));
        }
    }

    private sealed record Pending(TItem Item, CancellationToken Cancellation, TaskCompletionSource Stored);
}
