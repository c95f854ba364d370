using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Conversations;

/// <summary>The result of a conversation mutation: the conversation, or why nothing changed.</summary>
public sealed record ConversationPayload(Conversation? Conversation, IReadOnlyList<UserError> UserErrors)
{
    public static ConversationPayload Failed(IReadOnlyList<UserError> errors) => new(null, errors);

    public static ConversationPayload Failed(UserError error) => new(null, [error]);
}

public abstract class ConversationPayloadGraphType : ObjectGraphType<ConversationPayload>
{
    protected ConversationPayloadGraphType(string name, string conversationDescription)
    {
        Name = name;
        Description = $"The result of `{char.ToLowerInvariant(name[0])}{name[1..^"Payload".Length]}`.";
        Field<ConversationGraphType>("conversation").Description(conversationDescription).Resolve(ctx => ctx.Source.Conversation);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing changed; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class CreateConversationPayloadGraphType() : ConversationPayloadGraphType("CreateConversationPayload", "The new conversation; null when there are user errors.");

public sealed class RenameConversationPayloadGraphType() : ConversationPayloadGraphType("RenameConversationPayload", "The conversation as renamed; null when there are user errors.");

public sealed class DeleteConversationPayloadGraphType() : ConversationPayloadGraphType("DeleteConversationPayload", "The conversation as it was before deletion; null when there are user errors.");
