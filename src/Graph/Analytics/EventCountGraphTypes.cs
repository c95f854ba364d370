using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;

namespace LlmPlatform.Graph.Analytics;

/// <summary>One bucket of `eventCounts`: the values of the grouped-by dimensions, and how many events it holds.</summary>
public sealed record EventCountBucket(DateTime? Start, DateTime? End, string? Name, Guid? UserId, int Count);

public sealed class EventCountBucketGraphType : ObjectGraphType<EventCountBucket>
{
    public EventCountBucketGraphType()
    {
        Name = "EventCountBucket";
        Description = "The events of one bucket of `eventCounts`; a field is null unless its dimension is grouped by.";
        Field<DateTimeGraphType>("start").Description("HOUR or DAY: the first instant (UTC) of the hour or day in the filter's time zone.").Resolve(ctx => ctx.Source.Start);
        Field<DateTimeGraphType>("end").Description("HOUR or DAY: the first instant (UTC) after it.").Resolve(ctx => ctx.Source.End);
        Field<StringGraphType>("name").Description("NAME: the events' name.").Resolve(ctx => ctx.Source.Name);
        Field<IdGraphType>("userId").Description("USER: the global id of the user who tracked them (null for events without one).")
            .Resolve(ctx => ctx.Source.UserId is { } id ? GlobalId.Encode(UserGraphType.TypeName, id) : null);
        Field<NonNullGraphType<IntGraphType>>("count").Description("How many events.").Resolve(ctx => ctx.Source.Count);
    }
}
