using GraphQL;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// Counts the events the current user may see, grouped in the database. Hours and days follow an IANA time zone:
/// the database counts per UTC quarter hour (every zone's offset is a whole number of quarter hours), and only those
/// counts are folded into the zone's hours or days here, which stays exact across daylight-saving changes.
/// </summary>
public sealed class EventCountReader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user, IOptions<AnalyticsEventOptions> options)
{
    private const int QuartersPerDay = 24 * 4;
    private const int MaxNames = 100;

    public async Task<IReadOnlyList<EventCountBucket>> CountAsync(
        EventCountFilter filter, IReadOnlyCollection<EventCountDimension> groupBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(groupBy);
        var maxBuckets = options.Value.MaxBuckets;
        var zone = Zone(filter.TimeZone);
        var from = filter.From.ToUniversalTime();
        var to = filter.To.ToUniversalTime();
        if (to <= from)
            throw Error("INVALID_RANGE", "`to` must be after `from`.");
        if (filter.Names is { Count: > MaxNames })
            throw Error("INVALID_FILTER", $"`names` may hold at most {MaxNames} names.");
        var byHour = groupBy.Contains(EventCountDimension.Hour);
        var byDay = groupBy.Contains(EventCountDimension.Day);
        if (byHour && byDay)
            throw Error("INVALID_GROUP_BY", "Group by HOUR or DAY, not both.");
        var byName = groupBy.Contains(EventCountDimension.Name);
        var byUser = groupBy.Contains(EventCountDimension.User);
        if (byUser && !user.IsAdmin)
            throw Error("FORBIDDEN", "Only admins may group by USER.");
        var byTime = byHour || byDay;
        var timeBuckets = byHour ? Math.Ceiling((to - from).TotalHours) + 1 : byDay ? Math.Ceiling((to - from).TotalDays) + 1 : 1;
        if (timeBuckets > maxBuckets)
            throw TooMany(maxBuckets);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = db.AnalyticsEvents.AsNoTracking().VisibleTo(user.Viewer).Where(e => e.CreatedAt >= from && e.CreatedAt < to);
        if (filter.Names is { Count: > 0 } names)
            events = events.Where(e => names.Contains(e.Name));
        // A day of quarter hours per allowed bucket is the most the database can return for buckets within the limit.
        var maxRows = maxBuckets * (byTime ? QuartersPerDay : 1);
        var rows = await events
            .GroupBy(e => new
            {
                Year = byTime ? e.CreatedAt.Year : 0,
                Month = byTime ? e.CreatedAt.Month : 0,
                Day = byTime ? e.CreatedAt.Day : 0,
                Hour = byTime ? e.CreatedAt.Hour : 0,
                Quarter = byTime ? e.CreatedAt.Minute / 15 : 0,
                Name = byName ? e.Name : null,
                UserId = byUser ? e.UserId : null,
            })
            .Select(g => new { g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, g.Key.Quarter, g.Key.Name, g.Key.UserId, Count = g.Count() })
            .Take(maxRows + 1)
            .ToListAsync(cancellationToken);
        if (rows.Count > maxRows)
            throw TooMany(maxBuckets);

        var buckets = rows
            .Select(r =>
            {
                var (start, end) = byTime
                    ? Bucket(new DateTime(r.Year, r.Month, r.Day, r.Hour, r.Quarter * 15, 0, DateTimeKind.Utc), zone, byHour)
                    : ((DateTime?)null, (DateTime?)null);
                return (Start: start, End: end, r.Name, r.UserId, r.Count);
            })
            .GroupBy(r => (r.Start, r.End, r.Name, r.UserId))
            .Select(g => new EventCountBucket(g.Key.Start, g.Key.End, g.Key.Name, g.Key.UserId, g.Sum(r => r.Count)))
            .OrderBy(b => b.Start).ThenBy(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.UserId)
            .ToList();
        if (buckets.Count > maxBuckets)
            throw TooMany(maxBuckets);
        return buckets;
    }

    /// <summary>The hour or day, in <paramref name="zone"/>, that the quarter hour starting at <paramref name="utc"/> lies in.</summary>
    private static (DateTime? Start, DateTime? End) Bucket(DateTime utc, TimeZoneInfo zone, bool hourly)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        if (hourly)
        {
            // Offsets change on whole local hours, so the local hour began this many minutes ago and lasts an hour.
            var start = utc.AddMinutes(-local.Minute);
            return (start, start.AddHours(1));
        }
        return (LocalMidnightToUtc(local.Date, zone), LocalMidnightToUtc(local.Date.AddDays(1), zone));
    }

    private static DateTime LocalMidnightToUtc(DateTime date, TimeZoneInfo zone)
    {
        // Where a clock change skips midnight, the day starts when the clock resumes.
        var local = date;
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
    }

    private static TimeZoneInfo Zone(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw Error("INVALID_TIME_ZONE", $"\"{name}\" is not an IANA time zone.");
        }
    }

    private static ExecutionError TooMany(int max) =>
        Error("TOO_MANY_BUCKETS", $"At most {max} buckets may be returned; narrow the range, the names, or the grouping.");

    private static ExecutionError Error(string code, string message) => new(message) { Code = code };
}
