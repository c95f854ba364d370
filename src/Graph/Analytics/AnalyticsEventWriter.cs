using System.Threading.Channels;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// Stores tracked events in batches: each caller waits until its event is committed, but the events that arrive
/// while one batch is written go into the next in one transaction, so a burst costs one commit (one disk flush) per
/// batch rather than per event. The queue is bounded (<see cref="AnalyticsEventOptions.WriteQueueCapacity"/>): when
/// it is full, callers wait for room.
/// </summary>
public sealed class AnalyticsEventWriter : BackgroundService
{
    private readonly IDbContextFactory<PlatformDbContext> _contexts;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;

    public AnalyticsEventWriter(IDbContextFactory<PlatformDbContext> contexts, IOptions<AnalyticsEventOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _contexts = contexts;
        _maxBatch = options.Value.WriteBatchSize;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.WriteQueueCapacity) { SingleReader = true });
    }

    /// <summary>Returns once the event is stored; throws what storing it threw.</summary>
    public async Task WriteAsync(AnalyticsEvent analyticsEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(analyticsEvent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        // Once queued the event is written whatever happens to the caller, so the wait is not cancelled.
        await pending.Stored.Task;
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
                await StoreAsync(batch);
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
            await StoreAsync(batch);
    }

    private async Task StoreAsync(List<Pending> batch)
    {
        try
        {
            await using var db = await _contexts.CreateDbContextAsync();
            db.AnalyticsEvents.AddRange(batch.Select(p => p.Event));
            await db.SaveChangesAsync();
            foreach (var pending in batch)
                pending.Stored.TrySetResult();
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
                pending.Stored.TrySetException(e);
        }
    }

    private sealed record Pending(AnalyticsEvent Event, TaskCompletionSource Stored);
}
