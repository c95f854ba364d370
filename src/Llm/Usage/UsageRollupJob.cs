using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Sums <see cref="UsageEvent"/> rows into hourly <see cref="UsageRollup"/> rows, per user, provider, model and persona,
/// and those into <see cref="UsageModelRollup"/> rows per provider and model, in the database (an INSERT … SELECT …
/// GROUP BY per hour and level, with the latency and time-to-first-token histograms; nothing comes back). Each hour of
/// both levels is replaced whole in one transaction (a reader never sees one level hold an hour the other lacks), and
/// so running again, or on another leader, gives the same rows. Runs on the leader only.
/// </summary>
public sealed class UsageRollupJob(IDbContextFactory<PlatformDbContext> contexts, TimeProvider clock, IOptions<UsageRollupOptions> options) : IWorkerJob
{
    public string Name => "usage-rollups";

    public TimeSpan Interval => options.Value.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var current = Hour(clock.GetUtcNow().UtcDateTime);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // From the last hour rolled up (less the hours that may still change), or from the first usage ever.
        var lastRolled = await db.UsageRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken);
        var firstUsage = lastRolled is null ? await db.UsageEvents.MinAsync(u => (DateTime?)u.CreatedAt, cancellationToken) : null;
        if (lastRolled is null && firstUsage is null)
            return;
        var from = lastRolled is { } last ? Min(last, current.AddHours(-settings.RecomputeHours)) : Hour(firstUsage!.Value);
        for (var (hour, count) = (from, 0); hour <= current && count < settings.MaxHoursPerRun; hour = hour.AddHours(1), count++)
            await RollUpAsync(db, hour, cancellationToken);
    }

    /// <summary>Replaces one hour's rollups with the sums of its usage events, computed by the database.</summary>
    public static async Task RollUpAsync(PlatformDbContext db, DateTime hourStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var hourEnd = hourStart.AddHours(1);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.UsageRollups.Where(r => r.HourStart == hourStart).ExecuteDeleteAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(InsertSums, [hourStart, hourEnd], cancellationToken);
            await db.UsageModelRollups.Where(r => r.HourStart == hourStart).ExecuteDeleteAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(InsertModelSums, [hourStart], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    private static readonly string InsertSums = BuildInsertSums();

    private static readonly string InsertModelSums = BuildInsertModelSums();

    private static string BuildInsertModelSums()
    {
        string[] summed = [.. UsageRollupColumns.Summed, "LatencyMsSum", "TimeToFirstTokenMsSum", "TimeToFirstTokenCount"];
        return $"INSERT INTO \"UsageModelRollups\" (\"HourStart\", \"Provider\", \"Model\", {string.Join(", ", summed.Select(c => "\"" + c + "\""))}) " +
            $"SELECT \"HourStart\", \"Provider\", \"Model\", {string.Join(", ", summed.Select(c => "SUM(\"" + c + "\")"))} " +
            "FROM \"UsageRollups\" WHERE \"HourStart\" = {0} GROUP BY \"HourStart\", \"Provider\", \"Model\"";
    }

    private static string BuildInsertSums()
    {
        const string keys = "\"UserId\", \"Provider\", \"Model\", \"PersonaId\"";
        var summed = string.Join(", ", UsageRollupColumns.Summed.Select(c => "\"" + c + "\""));
        var sums = string.Join(", ", UsageRollupColumns.Summed.Select(c => "SUM(\"" + c + "\")"));
        return $"INSERT INTO \"UsageRollups\" (\"HourStart\", {keys}, {summed}, \"LatencyMsSum\", \"TimeToFirstTokenMsSum\", \"TimeToFirstTokenCount\") " +
            $"SELECT {{0}}, {keys}, {sums}, SUM(\"LatencyMs\"), COALESCE(SUM(\"TimeToFirstTokenMs\"), 0), COUNT(\"TimeToFirstTokenMs\") " +
            $"FROM (SELECT {keys}, \"LatencyMs\", \"TimeToFirstTokenMs\", {UsageRollupColumns.OfOneEvent()} FROM \"UsageEvents\" " +
            $"WHERE \"CreatedAt\" >= {{0}} AND \"CreatedAt\" < {{1}}) AS e GROUP BY {keys}";
    }

    private static DateTime Hour(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
