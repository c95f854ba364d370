using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

public static class UsageQueries
{
    public static void AddUsageQueries(this QueryGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UsageBucketGraphType>>>, IReadOnlyList<UsageBucket>>("usage")
            .Description("Your usage (admins: everyone's), summed in buckets: counts, tokens, cost and latency percentiles. " +
                "At most `Analytics:MaxBuckets` buckets (`TOO_MANY_BUCKETS` beyond), ordered by their keys.")
            .Argument<NonNullGraphType<UsageFilterInputGraphType>>("filter", "The range, time zone and narrowing.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<UsageDimensionGraphType>>>>("groupBy", "What to group by; [] for one total.")
            .Resolve().WithService<UsageReader>()
            .ResolveAsync(async (ctx, usage) => await usage.ListAsync(
                ctx.GetArgument<UsageFilterInput>("filter"), ctx.GetArgument<List<UsageDimension>>("groupBy"), ctx.CancellationToken));
}
