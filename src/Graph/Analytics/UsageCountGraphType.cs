using GraphQL.Types;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The engine's <c>Long</c> scalar, described: usage sums outgrow <c>Int</c> (tokens over a long range).</summary>
public sealed class UsageCountGraphType : LongGraphType
{
    public UsageCountGraphType() =>
        Description = "The `Long` scalar type represents a signed 64-bit whole number, written as a JSON number.";
}
