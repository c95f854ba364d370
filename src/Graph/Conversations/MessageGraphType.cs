using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Conversations;

public sealed class MessageGraphType : ObjectGraphType<Message>
{
    public const string TypeName = "Message";

    public MessageGraphType()
    {
        Name = TypeName;
        Description = "One turn of a conversation.";
        Interface<NodeInterfaceGraphType>();
        IsTypeOf = source => source is Message;
        Field<NonNullGraphType<IdGraphType>>("id").Description("The message's global id.")
            .Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field<NonNullGraphType<MessageRoleGraphType>>("role").Description("Who wrote the message.")
            .Resolve(ctx => ctx.Source.Role);
        Field(m => m.Content).Description("The text of the message.");
        Field(m => m.TokenCount, nullable: true).Description("How many tokens the message has, when known.");
        Field<FinishReasonGraphType>("finishReason").Description("Why an assistant message ended; null for other roles.")
            .Resolve(ctx => ctx.Source.FinishReason);
        Field<IdGraphType>("generationId").Description("The generation that wrote this message, for user and assistant messages.")
            .Resolve(ctx => ctx.Source.GenerationId is { } id ? GlobalId.Encode("Generation", id) : null);
        Field(m => m.CreatedAt).Description("When the message was written (UTC).");
        Field<ResponseFormatTypeGraphType>("responseFormat").Description("The shape an assistant reply was asked to have; null for other roles and for replies stored before formats existed.")
            .Resolve(ctx => ctx.Source.ResponseFormat);
    }
}

public sealed class MessageRoleGraphType : EnumerationGraphType<MessageRole>
{
    public MessageRoleGraphType()
    {
        Name = "MessageRole";
        Description = "Who wrote a message.";
        Values.FindByName("SYSTEM")!.Description = "The persona's instructions, sent before the conversation.";
        Values.FindByName("USER")!.Description = "The person using the platform.";
        Values.FindByName("ASSISTANT")!.Description = "The model.";
    }
}

public sealed class FinishReasonGraphType : EnumerationGraphType<FinishReason>
{
    public FinishReasonGraphType()
    {
        Name = "FinishReason";
        Description = "Why a generated message ended.";
        Values.FindByName("STOP")!.Description = "The model finished its reply.";
        Values.FindByName("LENGTH")!.Description = "The reply reached its token limit.";
        Values.FindByName("CANCELLED")!.Description = "The generation was cancelled; the message holds what was generated until then.";
        Values.FindByName("ERROR")!.Description = "The provider failed; the message holds what was generated until then.";
    }
}
