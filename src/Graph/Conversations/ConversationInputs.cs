using GraphQL.Types;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Graph.Conversations;

public sealed record CreateConversationInput(string? Title, string? PersonaId);

public sealed class CreateConversationInputGraphType : InputObjectGraphType<CreateConversationInput>
{
    public CreateConversationInputGraphType()
    {
        Name = "CreateConversationInput";
        Description = "A new conversation.";
        Field(i => i.Title, nullable: true).Description($"A title, at most {Conversation.TitleMaxLength} characters; \"New conversation\" when not given.");
        Field<IdGraphType>("personaId").Description("The persona to talk to: a built-in one or yours; the helpful assistant when not given.");
    }
}

public sealed record RenameConversationInput(string Id, string Title);

public sealed class RenameConversationInputGraphType : InputObjectGraphType<RenameConversationInput>
{
    public RenameConversationInputGraphType()
    {
        Name = "RenameConversationInput";
        Description = "A new title for one of your conversations.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The conversation's global id.");
        Field(i => i.Title).Description($"The new title, 1 to {Conversation.TitleMaxLength} characters.");
    }
}

public sealed record DeleteConversationInput(string Id);

public sealed class DeleteConversationInputGraphType : InputObjectGraphType<DeleteConversationInput>
{
    public DeleteConversationInputGraphType()
    {
        Name = "DeleteConversationInput";
        Description = "The conversation to delete, with all its messages.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The conversation's global id.");
    }
}
