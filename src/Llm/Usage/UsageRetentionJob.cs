using LlmPlatform.Llm.Analytics;
using LlmPlatform.Data;
using LlmPlatform.Llm.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Deletes raw usage rows older than <see cref="AnalyticsRetentionOptions.UsageEvents"/> whose hour the rollups already
/// hold, and rollups older than <see cref="AnalyticsRetentionOptions.Rollups"/>. Runs on the leader only; each run
/// deletes at most <see cref="AnalyticsRetentionOptions.DeleteBatchSize"/> rows of each kind.
/// </summary>
public sealed class UsageRetentionJob(IDbContextFactory<PlatformDbContext> contexts, TimeProvider clock, IOptions<AnalyticsRetentionOptions> options) : IWorkerJob
{
    public string Name => "usage-retention";

    public TimeSpan Interval => options.Value.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The rollup job fills hours in order, so every hour before the last one it wrote is rolled up; that last
        // one may still be recomputed, so its rows stay.
        var rolledUpBefore = await db.UsageRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken);
        if (rolledUpBefore is { } rolled)
        {
            var cutoff = Min(now - settings.UsageEvents, rolled);
            var expired = db.UsageEvents.Where(u => u.CreatedAt < cutoff).OrderBy(u => u.CreatedAt).Take(settings.DeleteBatchSize).Select(u => u.Id);
            await db.UsageEvents.Where(u => expired.Contains(u.Id)).ExecuteDeleteAsync(cancellationToken);
        }
        var rollupCutoff = now - settings.Rollups;
        var expiredRollups = db.UsageRollups.Where(r => r.HourStart < rollupCutoff).OrderBy(r => r.HourStart).Take(settings.DeleteBatchSize).Select(r => r.Id);
        await db.UsageRollups.Where(r => expiredRollups.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
