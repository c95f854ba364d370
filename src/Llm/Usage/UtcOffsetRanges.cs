namespace LlmPlatform.Llm.Usage;

/// <summary>
/// The UTC offsets a time zone has over a range, as [start, next start) spans, so that a database without a time zone
/// database (SQLite) can add each row's offset itself. Built from <see cref="TimeZoneInfo"/>, so DST changes fall
/// exactly where .NET (the IANA database) puts them.
/// </summary>
public static class UtcOffsetRanges
{
    /// <summary>Spans are found by stepping this far and narrowing any change down to the second.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The offset at <paramref name="fromUtc"/>, then every change before <paramref name="toUtc"/>: the instant it takes
    /// effect (UTC) and the new offset.
    /// </summary>
    public static IReadOnlyList<(DateTime StartUtc, TimeSpan Offset)> Of(TimeZoneInfo zone, DateTime fromUtc, DateTime toUtc)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var spans = new List<(DateTime, TimeSpan)> { (fromUtc, zone.GetUtcOffset(fromUtc)) };
        var current = spans[0].Item2;
        for (var at = fromUtc; at < toUtc; at += Step)
        {
            var next = at + Step < toUtc ? at + Step : toUtc;
            if (zone.GetUtcOffset(next) == current)
                continue;
            var change = FirstChange(zone, at, next, current);
            current = zone.GetUtcOffset(change);
            if (change < toUtc)
                spans.Add((change, current));
        }
        return spans;
    }

    /// <summary>The first second in (before, after] whose offset is not <paramref name="offset"/>.</summary>
    private static DateTime FirstChange(TimeZoneInfo zone, DateTime before, DateTime after, TimeSpan offset)
    {
        while (after - before > TimeSpan.FromSeconds(1))
        {
            var middle = before + TimeSpan.FromSeconds(Math.Floor((after - before).TotalSeconds / 2));
            if (zone.GetUtcOffset(middle) == offset)
                before = middle;
            else
                after = middle;
        }
        return after;
    }
}
