using System.ComponentModel;
using GraphQL.Types;

namespace LlmPlatform.Graph.Analytics;

/// <summary>What `eventCounts` buckets events by.</summary>
public enum EventCountDimension
{
    [Description("By hour of the filter's time zone.")]
    Hour,

    [Description("By day of the filter's time zone.")]
    Day,

    [Description("By event name.")]
    Name,

    [Description("By user; admins only (FORBIDDEN otherwise).")]
    User,
}

public sealed class EventCountDimensionGraphType : EnumerationGraphType<EventCountDimension>
{
    public EventCountDimensionGraphType()
    {
        Name = "EventCountDimension";
        Description = "What `eventCounts` buckets events by: HOUR and DAY in the filter's time zone, NAME, USER (admins only).";
    }
}

/// <summary>Which events `eventCounts` counts: those that occurred in [From, To), optionally only some names.</summary>
public sealed record EventCountFilter(DateTime From, DateTime To, IReadOnlyList<string>? Names, string? TimeZone);

public sealed class EventCountFilterInputGraphType : InputObjectGraphType<EventCountFilter>
{
    public EventCountFilterInputGraphType()
    {
        Name = "EventCountFilterInput";
        Description = "Which events `eventCounts` counts.";
        Field<NonNullGraphType<DateTimeGraphType>>("from").Description("Events that occurred at or after this instant.");
        Field<NonNullGraphType<DateTimeGraphType>>("to").Description("Events that occurred before this instant.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("names").Description("Only events with one of these names.");
        Field<StringGraphType>("timeZone").Description("The IANA time zone (e.g. `Europe/Paris`) whose hours and days HOUR and DAY follow; UTC when not given.");
    }
}
