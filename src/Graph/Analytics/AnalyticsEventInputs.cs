using System.Text.Json.Nodes;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Analytics;

public sealed record TrackEventInput(string Name, JsonNode? Properties, DateTimeOffset? OccurredAt);

public sealed class TrackEventInputGraphType : InputObjectGraphType<TrackEventInput>
{
    public TrackEventInputGraphType()
    {
        Name = "TrackEventInput";
        Description = "A product event to record.";
        Field<NonNullGraphType<StringGraphType>>("name")
            .Description("What happened: lower-case letters, digits and `_ . : -`, starting with a letter (`Analytics:Events:NamePattern`), e.g. `page.view`.");
        Field<JsonGraphType>("properties")
            .Description("A JSON object about the event, within `Analytics:Events` limits of size, depth and key count.");
        Field<DateTimeOffsetGraphType>("occurredAt")
            .Description("When it happened; within `Analytics:Events:MaxPastSkew` before and `MaxFutureSkew` after the server's clock. Now when not given.");
    }
}
