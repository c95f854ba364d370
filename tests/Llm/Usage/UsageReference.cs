using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// What a usage query must answer, computed in memory from the same rows with LINQ and <see cref="TimeZoneInfo"/>:
/// the oracle the database's answers are compared with.
/// </summary>
public static class UsageReference
{
    public static List<UsageBucket> Aggregate(IEnumerable<UsageEvent> events, UsageQuery query) =>
    [
        .. Rows(events, query)
            .Select(g => new UsageBucket(g.Key, g.Count(),
                g.Count(u => u.Status == GenerationStatus.Completed), g.Count(u => u.Status == GenerationStatus.Failed),
                g.Count(u => u.Status == GenerationStatus.Cancelled), g.Count(u => u.Cached),
                g.Sum(u => (long)u.PromptTokens), g.Sum(u => (long)u.CompletionTokens), g.Sum(u => u.Cost),
                PercentileCont([.. g.Select(u => (double)u.LatencyMs)], 0.5), PercentileCont([.. g.Select(u => (double)u.LatencyMs)], 0.95),
                PercentileCont([.. g.Select(u => (double)u.LatencyMs)], 0.99),
                PercentileCont([.. g.Where(u => u.TimeToFirstTokenMs is not null).Select(u => (double)u.TimeToFirstTokenMs!.Value)], 0.5),
                PercentileCont([.. g.Where(u => u.TimeToFirstTokenMs is not null).Select(u => (double)u.TimeToFirstTokenMs!.Value)], 0.95))),
    ];

    /// <summary>The rows of each bucket of <paramref name="query"/>.</summary>
    public static IEnumerable<IGrouping<UsageBucketKey, UsageEvent>> Rows(IEnumerable<UsageEvent> events, UsageQuery query) => events
        .Where(u => (query.From is not { } from || u.CreatedAt >= from) && (query.To is not { } to || u.CreatedAt < to))
        .Where(u => query.Providers is null || query.Providers.Contains(u.Provider))
        .Where(u => query.Models is null || query.Models.Contains(u.Model))
        .Where(u => query.PersonaIds is null || (u.PersonaId is { } p && query.PersonaIds.Contains(p)))
        .Where(u => query.UserIds is null || query.UserIds.Contains(u.UserId))
        .Where(u => query.ConversationIds is null || (u.ConversationId is { } c && query.ConversationIds.Contains(c)))
        .GroupBy(u => KeyOf(u, query));

    /// <summary>PostgreSQL's <c>percentile_cont</c>: the value at position p·(n−1) of the sorted values, interpolated.</summary>
    public static double? PercentileCont(double[] values, double fraction)
    {
        if (values.Length == 0)
            return null;
        Array.Sort(values);
        var position = fraction * (values.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, values.Length - 1);
        return values[below] + (position - below) * (values[above] - values[below]);
    }

    private static UsageBucketKey KeyOf(UsageEvent u, UsageQuery query)
    {
        var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(u.CreatedAt), query.TimeZone);
        var hour = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
        var monday = local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        return new UsageBucketKey(
            query.Groups(UsageDimension.Hour) ? hour : null,
            query.Groups(UsageDimension.Day) ? Midnight(local.Date, query.TimeZone) : null,
            query.Groups(UsageDimension.Week) ? Midnight(monday, query.TimeZone) : null,
            query.Groups(UsageDimension.Provider) ? u.Provider : null,
            query.Groups(UsageDimension.Model) ? u.Model : null,
            query.Groups(UsageDimension.Persona) ? u.PersonaId : null,
            query.Groups(UsageDimension.User) ? u.UserId : null,
            query.Groups(UsageDimension.Conversation) ? u.ConversationId : null);
    }

    // The zones of these tests change their clocks at 02:00 or 03:00, never at midnight.
    private static DateTimeOffset Midnight(DateTime date, TimeZoneInfo zone) => new(date, zone.GetUtcOffset(date));
}
