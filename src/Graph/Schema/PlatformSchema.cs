using GraphQL.Types;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema.Introspection;

namespace LlmPlatform.Graph.Schema;

public sealed class PlatformSchema : GraphQL.Types.Schema
{
    public PlatformSchema(IServiceProvider services, QueryGraphType query, MutationGraphType mutation, SubscriptionGraphType subscription)
        : base(services)
    {
        Description = "LlmPlatform: personas, conversations and generations over any LLM provider.";
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        // Types reachable only through the Node interface must be named here.
        RegisterType(typeof(PersonaGraphType));
        RegisterType(typeof(ConversationGraphType));
        RegisterType(typeof(MessageGraphType));
        RegisterType(typeof(GenerationGraphType));
        StandardIntrospection.EnableFeatures(this);
    }

    protected override void OnBeforeInitializeType(IGraphType graphType) => StandardIntrospection.Complete(graphType);
}
