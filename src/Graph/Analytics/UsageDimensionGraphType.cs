using GraphQL.Types;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

public sealed class UsageDimensionGraphType : EnumerationGraphType
{
    public UsageDimensionGraphType()
    {
        Name = "UsageDimension";
        Description = "What usage buckets are grouped by; any combination.";
        Add("HOUR", UsageDimension.Hour, "Hours of the query's time zone.");
        Add("DAY", UsageDimension.Day, "Days of the query's time zone, from local midnight.");
        Add("WEEK", UsageDimension.Week, "ISO weeks (Monday to Sunday) of the query's time zone.");
        Add("PROVIDER", UsageDimension.Provider, "The provider that answered.");
        Add("MODEL", UsageDimension.Model, "The model that answered.");
        Add("PERSONA", UsageDimension.Persona, "The persona of the conversation; null for none.");
        Add("USER", UsageDimension.User, "The user who asked. Admins only (`FORBIDDEN` otherwise).");
    }
}
