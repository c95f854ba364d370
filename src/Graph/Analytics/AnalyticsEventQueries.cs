using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

public static class AnalyticsEventQueries
{
    public static void AddAnalyticsEventQueries(this QueryGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<AnalyticsEventGraphType, AnalyticsEvent>>, Connection<AnalyticsEvent>>("analyticsEvents")
            .Authorize()
            .Description("The product events you tracked (an admin: everyone's), newest first unless `order` says otherwise.")
            .PagingArguments()
            .Argument<AnalyticsEventFilterInputGraphType>("where", "Only the events that match these conditions.")
            .Argument<ListGraphType<NonNullGraphType<AnalyticsEventSortInputGraphType>>>("order", "The order of the list; newest first when not given.")
            .Resolve().WithServices<AnalyticsEventReader, IOptions<PagingOptions>>()
            .ResolveAsync(async (ctx, events, paging) => await events.ListAsync(
                ctx.Where<AnalyticsEventFilterInputGraphType, AnalyticsEvent>(),
                ctx.Order<AnalyticsEventSortInputGraphType, AnalyticsEvent>(),
                PageRequest.From(ctx, paging.Value),
                ctx.CancellationToken));

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<EventCountBucketGraphType>>>, IReadOnlyList<EventCountBucket>>("eventCounts")
            .Authorize()
            .Description("How many of the events you may see occurred in a range, bucketed by hour or day (in a time zone), name and (admins) user. At most `Analytics:Events:MaxBuckets` buckets (TOO_MANY_BUCKETS beyond).")
            .Argument<NonNullGraphType<EventCountFilterInputGraphType>>("filter", "Which events to count.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EventCountDimensionGraphType>>>>("groupBy", "What to bucket them by; an empty list counts them all in one bucket.")
            .Resolve().WithService<EventCountReader>()
            .ResolveAsync(async (ctx, counts) => await counts.CountAsync(
                ctx.GetArgument<EventCountFilter>("filter"),
                ctx.GetArgument<List<EventCountDimension>>("groupBy"),
                ctx.CancellationToken));
    }
}
