using LlmPlatform.Llm.Analytics;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Deletes raw usage rows older than <see cref="AnalyticsRetentionOptions.UsageEvents"/> whose hour both rollup levels
/// already hold, and rollups of either level older than <see cref="AnalyticsRetentionOptions.Rollups"/>. Runs on the leader only; each run
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
        // one may still be recomputed, so its rows stay. Raw rows go only once every level holds their hour.
        var fineBefore = await db.UsageRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken);
        var modelBefore = await db.UsageModelRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken);
        if (fineBefore is { } fine && modelBefore is { } model)
        {
            var cutoff = Min(now - settings.UsageEvents, Min(fine, model));
            var expired = db.UsageEvents.Where(u => u.CreatedAt < cutoff).OrderBy(u => u.CreatedAt).Take(settings.DeleteBatchSize).Select(u => u.Id);
            await db.UsageEvents.Where(u => expired.Contains(u.Id)).ExecuteDeleteAsync(cancellationToken);
        }
        var rollupCutoff = now - settings.Rollups;
        await DeleteOlderThanAsync(db.UsageRollups, rollupCutoff, settings.DeleteBatchSize, cancellationToken);
        await DeleteOlderThanAsync(db.UsageModelRollups, rollupCutoff, settings.DeleteBatchSize, cancellationToken);
    }

    private static async Task DeleteOlderThanAsync<TRollup>(DbSet<TRollup> rollups, DateTime cutoff, int batch, CancellationToken cancellationToken)
        where TRollup : UsageRollupSums
    {
        var expired = rollups.Where(r => r.HourStart < cutoff).OrderBy(r => r.HourStart).Take(batch).Select(r => r.Id);
        await rollups.Where(r => expired.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
