using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The result of `trackEvent`: the stored event, or why nothing was stored.</summary>
public sealed record TrackEventPayload(AnalyticsEvent? Event, IReadOnlyList<UserError> UserErrors);

public sealed class TrackEventPayloadGraphType : ObjectGraphType<TrackEventPayload>
{
    public TrackEventPayloadGraphType()
    {
        Name = "TrackEventPayload";
        Description = "The result of `trackEvent`.";
        Field<AnalyticsEventGraphType>("event").Description("The stored event; null when there are user errors.").Resolve(ctx => ctx.Source.Event);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing was stored; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}
