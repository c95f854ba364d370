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
public sealed class UsageAggregator(IDbContextFactory<PlatformDbContext> contexts, IOptions<UsageQueryOptions> options)
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
        UsageSql sql = db.Database.IsNpgsql() ? new PostgresUsageSql(query) : new SqliteUsageSql(query);
        // One more than allowed, to tell "exactly the limit" from "beyond it" without counting first.
        var text = sql.Build(limits.MaxBuckets + 1);
        var rows = await db.Database.SqlQueryRaw<UsageSqlRow>(text, [.. sql.Parameters]).ToListAsync(cancellationToken);
        if (rows.Count > limits.MaxBuckets)
            throw TooManyBuckets(limits.MaxBuckets);
        return [.. rows.Where(r => r.Requests > 0).Select(r => ToBucket(r, query.TimeZone))];
    }

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

    private static UsageBucket ToBucket(UsageSqlRow row, TimeZoneInfo zone) => new(
        new UsageBucketKey(
            row.HourLocal is { } hour
                ? new DateTimeOffset(Parse(hour, LocalHourFormat), TimeSpan.FromMinutes(row.HourOffset ?? 0))
                : null,
            row.Day is { } day ? StartOfLocalDay(Parse(day, LocalDateFormat), zone) : null,
            row.Week is { } week ? StartOfLocalDay(Parse(week, LocalDateFormat), zone) : null,
            row.Provider, row.Model, row.PersonaId, row.UserId, row.ConversationId),
        row.Requests, row.Succeeded, row.Failed, row.Cancelled, row.Cached, row.PromptTokens, row.CompletionTokens, row.Cost,
        row.LatencyP50, row.LatencyP95, row.LatencyP99, row.TtftP50, row.TtftP95);

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
