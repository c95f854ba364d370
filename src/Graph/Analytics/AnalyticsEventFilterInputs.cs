using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.Filtering;

namespace LlmPlatform.Graph.Analytics;

public sealed class AnalyticsEventFilterInputGraphType : FilterInputGraphType<AnalyticsEvent>
{
    public AnalyticsEventFilterInputGraphType() : base("AnalyticsEventFilterInput", "analytics events")
    {
        Filter("name", e => e.Name, "The event's name.");
        Filter("occurredAt", e => e.CreatedAt, "When the event happened.");
    }
}

public sealed class AnalyticsEventSortInputGraphType : SortInputGraphType<AnalyticsEvent>
{
    public AnalyticsEventSortInputGraphType() : base("AnalyticsEventSortInput", "analytics events")
    {
        Sort("name", e => e.Name, "By name.");
        Sort("occurredAt", e => e.CreatedAt, "By when the event happened.");
    }
}
