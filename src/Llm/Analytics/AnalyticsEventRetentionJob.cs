using LlmPlatform.Data;
using LlmPlatform.Llm.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Analytics;

/// <summary>
/// Deletes product events older than <see cref="AnalyticsRetentionOptions.AnalyticsEvents"/>, in batches of
/// <see cref="AnalyticsRetentionOptions.DeleteBatchSize"/> (each its own statement), until none are left. Leader only.
/// </summary>
public sealed partial class AnalyticsEventRetentionJob(
    IDbContextFactory<PlatformDbContext> contexts, TimeProvider clock, IOptions<AnalyticsRetentionOptions> options,
    ILogger<AnalyticsEventRetentionJob> logger) : IWorkerJob
{
    public string Name => "analytics-event-retention";

    public TimeSpan Interval => options.Value.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.AnalyticsEvents == TimeSpan.Zero)
            return;
        var cutoff = clock.GetUtcNow().UtcDateTime - settings.AnalyticsEvents;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = 0;
        int deleted;
        do
        {
            deleted = await db.AnalyticsEvents
                .Where(e => e.CreatedAt < cutoff)
                .OrderBy(e => e.CreatedAt)
                .Take(settings.DeleteBatchSize)
                .ExecuteDeleteAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == settings.DeleteBatchSize);
        if (total > 0)
            Log.Deleted(logger, total, cutoff);
    }
}
