using System.Text.Json.Nodes;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;

namespace LlmPlatform.Graph.Analytics;

/// <summary>A product event a client tracked.</summary>
public sealed class AnalyticsEventGraphType : ObjectGraphType<AnalyticsEvent>
{
    public const string TypeName = "AnalyticsEvent";

    public AnalyticsEventGraphType()
    {
        Name = TypeName;
        Description = "A product event a front end tracked with `trackEvent`.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The event's global id.").Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field(e => e.Name).Description("What happened, e.g. `page.view`.");
        Field<NonNullGraphType<JsonGraphType>>("properties")
            .Description("The JSON object tracked with the event (`{}` when none was).")
            .Resolve(ctx => JsonNode.Parse(ctx.Source.Properties));
        Field<NonNullGraphType<DateTimeGraphType>>("occurredAt")
            .Description("When it happened (UTC): the client's `occurredAt`, or when the server received it.")
            .Resolve(ctx => ctx.Source.CreatedAt);
        Field<IdGraphType>("userId")
            .Description("The global id of the user who tracked it.")
            .Resolve(ctx => ctx.Source.UserId is { } id ? GlobalId.Encode(UserGraphType.TypeName, id) : null);
    }
}
