using GraphQL.Types;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Generation;

public sealed class GenerationPhaseGraphType : EnumerationGraphType<GenerationPhase>
{
    public GenerationPhaseGraphType()
    {
        Name = "GenerationStatus";
        Description = "Where a generation stands.";
        Values.FindByName("RUNNING")!.Description = "The provider is still replying.";
        Values.FindByName("COMPLETED")!.Description = "The reply ended and was stored.";
        Values.FindByName("CANCELLED")!.Description = "The generation was cancelled; what arrived was stored.";
        Values.FindByName("FAILED")!.Description = "The provider failed; what arrived was stored.";
    }
}

public sealed class GenerationGraphType : ObjectGraphType<GenerationState>
{
    public const string TypeName = "Generation";

    public GenerationGraphType()
    {
        Name = TypeName;
        Description = "One reply being written, or written, by a provider into a conversation.";
        Interface<NodeInterfaceGraphType>();
        IsTypeOf = source => source is GenerationState;
        Field<NonNullGraphType<IdGraphType>>("id").Description("The generation's global id: watch it with `generation(id:)`.")
            .Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field<NonNullGraphType<GenerationPhaseGraphType>>("status").Description("Where it stands.").Resolve(ctx => ctx.Source.Status);
        Field<ConversationGraphType>("conversation").Description("The conversation it writes into.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ConversationByIdDataLoader>().Load(ctx.Source.ConversationId));
        Field(g => g.Provider).Description("The provider answering.");
        Field(g => g.Model).Description("The model answering.");
        Field<MessageGraphType>("message").Description("The stored reply once it has ended; null while running.")
            .Resolve(ctx => ctx.Source.MessageId is { } id ? ctx.RequestServices!.GetRequiredService<MessageByIdDataLoader>().Load(id) : null);
        Field<UsageGraphType>("usage").Description("Tokens, timing and cost once it has ended; null while running.")
            .Resolve(ctx => ctx.Source.Usage);
    }
}
