using GraphQL.Types;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The usage of one group, or of one persona, conversation or user.</summary>
public sealed class UsageBucketGraphType : ObjectGraphType<UsageBucket>
{
    private const string Estimate =
        " From rollups (`percentilesEstimated`), an estimate: it lies in the histogram bucket of the exact value (between the buckets of its two neighbouring values when they differ); buckets are about 1.6 times wide, from 1 ms to 1000 s.";

    public UsageBucketGraphType()
    {
        Name = "UsageBucket";
        Description = "Usage summed over one group. Keys not grouped by are null. Percentiles interpolate like PostgreSQL's `percentile_cont` (from raw rows: exact; from rollups: estimates).";
        Field<DateTimeOffsetGraphType>("hour").Description("Start of the hour, in the query's time zone (with its offset then).")
            .Resolve(ctx => ctx.Source.Key.Hour);
        Field<DateTimeOffsetGraphType>("day").Description("Start of the day (local midnight), in the query's time zone.")
            .Resolve(ctx => ctx.Source.Key.Day);
        Field<DateTimeOffsetGraphType>("week").Description("Start of the week (Monday, local midnight), in the query's time zone.")
            .Resolve(ctx => ctx.Source.Key.Week);
        Field<StringGraphType>("provider").Description("The provider.").Resolve(ctx => ctx.Source.Key.Provider);
        Field<StringGraphType>("model").Description("The model.").Resolve(ctx => ctx.Source.Key.Model);
        Field<IdGraphType>("personaId").Description("The persona's global id; null when grouped by persona for usage without one.")
            .Resolve(ctx => ctx.Source.Key.PersonaId is { } id ? GlobalId.Encode(PersonaGraphType.TypeName, id) : null);
        Field<PersonaGraphType>("persona").Description("The persona, when you can see it.")
            .Resolve(ctx => ctx.Source.Key.PersonaId is { } id ? ctx.RequestServices!.GetRequiredService<PersonaByIdDataLoader>().Load(id) : null);
        Field<IdGraphType>("userId").Description("The user's global id (admins, grouped by USER).")
            .Resolve(ctx => ctx.Source.Key.UserId is { } id ? GlobalId.Encode(UserGraphType.TypeName, id) : null);
        Field<NonNullGraphType<UsageCountGraphType>>("requests").Description("Generations, whatever ended them.").Resolve(ctx => ctx.Source.Requests);
        Field<NonNullGraphType<UsageCountGraphType>>("succeeded").Description("Generations that completed.").Resolve(ctx => ctx.Source.Succeeded);
        Field<NonNullGraphType<UsageCountGraphType>>("failed").Description("Generations the provider failed.").Resolve(ctx => ctx.Source.Failed);
        Field<NonNullGraphType<UsageCountGraphType>>("cancelled").Description("Generations cancelled.").Resolve(ctx => ctx.Source.Cancelled);
        Field<NonNullGraphType<FloatGraphType>>("errorRate").Description("failed / requests, 0 to 1.").Resolve(ctx => ctx.Source.ErrorRate);
        Field<NonNullGraphType<UsageCountGraphType>>("promptTokens").Description("Tokens sent to the models.").Resolve(ctx => ctx.Source.PromptTokens);
        Field<NonNullGraphType<UsageCountGraphType>>("completionTokens").Description("Tokens the models wrote.").Resolve(ctx => ctx.Source.CompletionTokens);
        Field<NonNullGraphType<FloatGraphType>>("cachedShare").Description("Share of requests answered from the response cache, 0 to 1.")
            .Resolve(ctx => ctx.Source.CachedShare);
        Field<NonNullGraphType<FloatGraphType>>("cost").Description("Cost in the configured currency, from the models' prices.").Resolve(ctx => (double)ctx.Source.Cost);
        Field<FloatGraphType>("latencyP50Ms").Description("Median milliseconds from the provider call to the reply's end." + Estimate).Resolve(ctx => ctx.Source.LatencyP50Ms);
        Field<FloatGraphType>("latencyP95Ms").Description("95th percentile of the latency, ms." + Estimate).Resolve(ctx => ctx.Source.LatencyP95Ms);
        Field<FloatGraphType>("latencyP99Ms").Description("99th percentile of the latency, ms." + Estimate).Resolve(ctx => ctx.Source.LatencyP99Ms);
        Field<FloatGraphType>("timeToFirstTokenP50Ms").Description("Median milliseconds until the first chunk; null when none came." + Estimate)
            .Resolve(ctx => ctx.Source.TimeToFirstTokenP50Ms);
        Field<FloatGraphType>("timeToFirstTokenP95Ms").Description("95th percentile of the time to the first chunk, ms." + Estimate)
            .Resolve(ctx => ctx.Source.TimeToFirstTokenP95Ms);
        Field<NonNullGraphType<BooleanGraphType>>("percentilesEstimated")
            .Description("True when some of the bucket's hours came from the hourly rollups: its percentiles are then estimates from fixed histogram buckets; its counts, tokens and cost are exact either way.")
            .Resolve(ctx => ctx.Source.PercentilesEstimated);
    }
}
