using System.Globalization;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Answers usage queries in the database: one statement that groups the usage rows and computes the sums and the
/// percentiles (<see cref="UsageSql"/>); only the buckets come back. Who may see what is decided here, for every caller.
/// </summary>
public sealed class UsageAggregator(
    IDbContextFactory<PlatformDbContext> contexts,
    IOptions<UsageQueryOptions> options,
    IOptions<UsageRollupOptions> rollupOptions,
    TimeProvider clock)
{
    private const string LocalHourFormat = "yyyy-MM-dd HH:mm:ss";
    private const string LocalDateFormat = "yyyy-MM-dd";

    /// <summary>
    /// The buckets of <paramref name="query"/> that <paramref name="viewer"/> may see: their own usage, or, for an
    /// admin, everyone's. Throws <see cref="UsageQueryException"/> for a query the caller must change.
    /// </summary>
    public async Task<IReadOnlyList<UsageBucket>> AggregateAsync(UsageQuery query, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query = Restrict(query, viewer);
        var limits = options.Value;
        CheckRange(query, limits);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rolledUp = await RolledUpHoursAsync(db, query, cancellationToken);
        UsageSql sql = db.Database.IsNpgsql() ? new PostgresUsageSql(query, rolledUp) : new SqliteUsageSql(query, rolledUp);
        // One more than allowed, to tell "exactly the limit" from "beyond it" without counting first.
        var text = sql.Build(limits.MaxBuckets + 1);
        var rows = await db.Database.SqlQueryRaw<UsageSqlRow>(text, [.. sql.Parameters]).ToListAsync(cancellationToken);
        if (rows.Count > limits.MaxBuckets)
            throw TooManyBuckets(limits.MaxBuckets);
        return [.. rows.Where(r => r.Requests > 0).Select(r => ToBucket(r, query.TimeZone))];
    }

    /// <summary>
    /// The whole hours of the range to read from rollups, and the coarsest rollup level that can answer the query
    /// (<see cref="UsageRollupLevels.For"/>): the hours that level holds and the job will not recompute (older than
    /// <see cref="UsageRollupOptions.RecomputeHours"/>). Null to read raw rows alone: asked to, or rollups cannot answer
    /// the query exactly (then <see cref="UsageSource.Rollups"/> is refused), or, for <see cref="UsageSource.Auto"/>, they
    /// hold none of its hours.
    /// </summary>
    private async Task<RolledUpHours?> RolledUpHoursAsync(PlatformDbContext db, UsageQuery query, CancellationToken cancellationToken)
    {
        if (query.Source == UsageSource.Raw)
            return null;
        if (WhyNotFromRollups(query) is { } reason)
            return query.Source == UsageSource.Rollups ? throw new UsageQueryException(UsageQueryException.RollupsNotApplicable, reason) : null;
        var level = UsageRollupLevels.For(query);
        var from = CeilingHour(query.From!.Value);
        var lastRolled = level == UsageRollupLevel.PerModel
            ? await db.UsageModelRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken)
            : await db.UsageRollups.MaxAsync(r => (DateTime?)r.HourStart, cancellationToken);
        var final = FloorHour(clock.GetUtcNow().UtcDateTime).AddHours(-rollupOptions.Value.RecomputeHours);
        var to = new[] { FloorHour(query.To!.Value), lastRolled ?? from, final }.Min();
        if (to > from)
            return new RolledUpHours(from, to, level);
        return query.Source == UsageSource.Rollups ? new RolledUpHours(from, from, level) : null;
    }

    /// <summary>Why hourly rollups cannot give this query's buckets exactly, or null when they can.</summary>
    private static string? WhyNotFromRollups(UsageQuery query)
    {
        if (query.From is not { } from || query.To is not { } to)
            return "Rollups answer queries over a range with both ends.";
        if (query.Groups(UsageDimension.Conversation) || query.ConversationIds is not null)
            return "Rollups do not keep conversations.";
        // An hourly rollup lies in one local hour only if the zone's offset is whole hours and changes on the hour.
        if (UtcOffsetRanges.Of(query.TimeZone, from, to).Any(span => span.Offset.Minutes != 0 || (span.StartUtc > from && span.StartUtc != FloorHour(span.StartUtc))))
            return $"Hourly rollups cannot be cut into the local hours of {query.TimeZone.Id}, whose UTC offset is not a whole number of hours.";
        return null;
    }

    private static DateTime FloorHour(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    private static DateTime CeilingHour(DateTime utc) => FloorHour(utc) == utc ? utc : FloorHour(utc).AddHours(1);

    private static UsageQuery Restrict(UsageQuery query, Viewer viewer)
    {
        if (viewer.IsAdmin)
            return query;
        if (query.Groups(UsageDimension.User))
            throw new UsageQueryException(UsageQueryException.Forbidden, "Only admins may group usage by user: you see your own usage alone.");
        // Whatever users the caller named, they see their own usage and nobody else's.
        return query with { UserIds = [viewer.UserId] };
    }

    private static void CheckRange(UsageQuery query, UsageQueryOptions limits)
    {
        if (query.From is not { } from || query.To is not { } to)
        {
            if (query.GroupBy.Any(IsTime) || query.TimeZone != TimeZoneInfo.Utc)
                throw new UsageQueryException(UsageQueryException.InvalidRange, "Grouping by time, or a time zone, needs a range with both ends.");
            return;
        }
        if (to <= from)
            throw new UsageQueryException(UsageQueryException.InvalidRange, "The range must end after it starts.");
        if (to - from > limits.MaxRange)
            throw new UsageQueryException(UsageQueryException.RangeTooLong,
                $"The range may cover at most {limits.MaxRange.TotalDays.ToString(CultureInfo.InvariantCulture)} days.");
        // The time buckets alone are known before asking the database: refuse a range that cannot fit.
        var timeBuckets = query.GroupBy.Where(IsTime).Select(d => TimeBuckets(d, to - from)).DefaultIfEmpty(1).Max();
        if (timeBuckets > limits.MaxBuckets)
            throw TooManyBuckets(limits.MaxBuckets);
    }

    private static bool IsTime(UsageDimension dimension) => dimension is UsageDimension.Hour or UsageDimension.Day or UsageDimension.Week;

    /// <summary>The fewest buckets a range of this length spans (it may start mid-bucket: at most one more).</summary>
    private static double TimeBuckets(UsageDimension dimension, TimeSpan length) => dimension switch
    {
        UsageDimension.Hour => Math.Ceiling(length.TotalHours),
        UsageDimension.Day => Math.Ceiling(length.TotalDays),
        _ => Math.Ceiling(length.TotalDays / 7),
    };

    private static UsageQueryException TooManyBuckets(int max) =>
        new(UsageQueryException.TooManyBuckets, $"The query would return more than {max} buckets: shorten the range, or group by less.");

    private static UsageBucket ToExactBucket(UsageSqlRow row, TimeZoneInfo zone) => new(
        new UsageBucketKey(
            row.HourLocal is { } hour
                ? new DateTimeOffset(Parse(hour, LocalHourFormat), TimeSpan.FromMinutes(row.HourOffset ?? 0))
                : null,
            row.Day is { } day ? StartOfLocalDay(Parse(day, LocalDateFormat), zone) : null,
            row.Week is { } week ? StartOfLocalDay(Parse(week, LocalDateFormat), zone) : null,
            row.Provider, row.Model, row.PersonaId, row.UserId, row.ConversationId),
        row.Requests, row.Succeeded, row.Failed, row.Cancelled, row.Cached, row.PromptTokens, row.CompletionTokens, row.Cost,
        row.LatencyP50, row.LatencyP95, row.LatencyP99, row.TtftP50, row.TtftP95);

    private static UsageBucket ToBucket(UsageSqlRow row, TimeZoneInfo zone)
    {
        var bucket = ToExactBucket(row, zone);
        if (UsageHistogramPercentile.Parse(row.LatencyHistogram) is not { } latency)
            return bucket;
        var ttft = UsageHistogramPercentile.Parse(row.TtftHistogram);
        return bucket with
        {
            LatencyP50Ms = UsageHistogramPercentile.Estimate(latency, 0.5),
            LatencyP95Ms = UsageHistogramPercentile.Estimate(latency, 0.95),
            LatencyP99Ms = UsageHistogramPercentile.Estimate(latency, 0.99),
            TimeToFirstTokenP50Ms = UsageHistogramPercentile.Estimate(ttft, 0.5),
            TimeToFirstTokenP95Ms = UsageHistogramPercentile.Estimate(ttft, 0.95),
            PercentilesEstimated = true,
        };
    }

    private static DateTime Parse(string text, string format) =>
        DateTime.ParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None);

    /// <summary>
    /// The instant a local day begins: its midnight, or, where a DST change skips midnight, the first instant after it;
    /// where midnight happens twice, the first.
    /// </summary>
    public static DateTimeOffset StartOfLocalDay(DateTime localMidnight, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = DateTime.SpecifyKind(localMidnight, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
