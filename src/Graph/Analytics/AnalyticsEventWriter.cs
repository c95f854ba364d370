using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// Stores tracked events in group commits, so a burst costs one commit (one disk flush) per batch rather than per
/// event. The queue is bounded (<see cref="AnalyticsEventOptions.WriteQueueCapacity"/>): when it is full, callers wait
/// for room.
/// </summary>
public sealed class AnalyticsEventWriter(IDbContextFactory<PlatformDbContext> contexts, IOptions<AnalyticsEventOptions> options)
    : GroupCommitWriter<AnalyticsEvent>(options.Value.WriteQueueCapacity, options.Value.WriteBatchSize)
{
    /// <summary>Returns once the event is stored; throws what storing it threw.</summary>
    public Task WriteAsync(AnalyticsEvent analyticsEvent, CancellationToken cancellationToken) => WaitStoredAsync(analyticsEvent, cancellationToken);

    protected override async Task StoreBatchAsync(IReadOnlyList<AnalyticsEvent> batch)
    {
        await using var db = await contexts.CreateDbContextAsync();
        db.AnalyticsEvents.AddRange(batch);
        await db.SaveChangesAsync();
    }
}
