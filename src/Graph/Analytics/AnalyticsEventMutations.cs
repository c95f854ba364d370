using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Analytics;

public static class AnalyticsEventMutations
{
    public static void AddAnalyticsEventMutations(this MutationGraphType mutation) =>
        mutation.Field<NonNullGraphType<TrackEventPayloadGraphType>, TrackEventPayload>("trackEvent")
            .Description("Records a product event (a page view, a button press) as the caller's. Limited to `Analytics:Events:RequestsPerMinute` a caller (RATE_LIMITED beyond).")
            .Argument<NonNullGraphType<TrackEventInputGraphType>>("input", "The event.")
            .Resolve().WithService<AnalyticsEventCommands>()
            .ResolveAsync(async (ctx, events) => await events.TrackAsync(ctx.GetArgument<TrackEventInput>("input"), ctx.CancellationToken));
}
