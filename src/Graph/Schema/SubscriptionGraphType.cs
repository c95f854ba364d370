using GraphQL;
using GraphQL.Types;
using LlmPlatform.Graph.Generation;

namespace LlmPlatform.Graph.Schema;

public sealed class SubscriptionGraphType : ObjectGraphType
{
    public SubscriptionGraphType()
    {
        Name = "Subscription";
        Description = "Streams: generated tokens as they arrive.";
        this.Authorize();
        this.AddGenerationSubscriptions();
    }
}
