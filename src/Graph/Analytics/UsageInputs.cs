using GraphQL.Types;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

/// <summary>Which usage <c>usage</c> sums: a range, a time zone and optional narrowing lists (global ids).</summary>
public sealed record UsageFilterInput(
    DateTime From,
    DateTime To,
    string? TimeZone,
    IReadOnlyList<string>? Providers,
    IReadOnlyList<string>? Models,
    IReadOnlyList<string>? PersonaIds,
    IReadOnlyList<string>? UserIds,
    UsageSource? Source);

public sealed class UsageFilterInputGraphType : InputObjectGraphType<UsageFilterInput>
{
    public UsageFilterInputGraphType()
    {
        Name = "UsageFilterInput";
        Description = "Which usage to sum.";
        Field(f => f.From).Description("Start of the range, inclusive (an instant: give an offset or Z).");
        Field(f => f.To).Description("End of the range, exclusive. At most `Analytics:MaxRange` (400 days) after `from`.");
        Field(f => f.TimeZone, nullable: true).Description("IANA time zone of the HOUR, DAY and WEEK buckets, e.g. `Europe/Berlin`; UTC when not given.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("providers").Description("Only these providers.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("models").Description("Only these models.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("personaIds").Description("Only the usage of these personas.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("userIds").Description("Admins: only these users' usage. Others always see their own alone.");
        Field<UsageSourceGraphType>("source").DefaultValue(UsageSource.Auto)
            .Description("Raw rows or hourly rollups. Counts, tokens, cost and shares are exact either way; percentiles from rollups are estimates.");
    }
}

/// <summary>A time range for the <c>usage</c> fields of personas and users.</summary>
public sealed record UsageRangeInput(DateTime From, DateTime To);

public sealed class UsageRangeInputGraphType : InputObjectGraphType<UsageRangeInput>
{
    public UsageRangeInputGraphType()
    {
        Name = "UsageRangeInput";
        Description = "A time range: from inclusive, to exclusive.";
        Field(r => r.From).Description("Start, inclusive.");
        Field(r => r.To).Description("End, exclusive. At most `Analytics:MaxRange` (400 days) after `from`.");
    }
}
