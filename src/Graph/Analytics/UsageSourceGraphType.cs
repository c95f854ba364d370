using GraphQL.Types;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

public sealed class UsageSourceGraphType : EnumerationGraphType
{
    public UsageSourceGraphType()
    {
        Name = "UsageSource";
        Description = "Where `usage` reads from: raw usage rows (exact percentiles) or the worker's hourly rollups (fast over long ranges).";
        Add("AUTO", UsageSource.Auto, "Rollups for the closed hours they hold when they answer the query exactly (a time zone whose offset is whole hours; not by conversation), raw rows for the rest of the range.");
        Add("RAW", UsageSource.Raw, "Raw usage rows only: exact percentiles; slower over long ranges.");
        Add("ROLLUPS", UsageSource.Rollups, "As AUTO, but refused with `ROLLUPS_NOT_APPLICABLE` when rollups cannot answer exactly (e.g. `Asia/Kolkata`, whose offset is not whole hours).");
    }
}
