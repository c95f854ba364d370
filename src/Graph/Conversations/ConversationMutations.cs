using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Conversations;

public static class ConversationMutations
{
    public static void AddConversationMutations(this MutationGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CreateConversationPayloadGraphType>, ConversationPayload>("createConversation")
            .Description("Starts a conversation with a persona.")
            .Argument<NonNullGraphType<CreateConversationInputGraphType>>("input", "The new conversation.")
            .Resolve().WithService<ConversationCommands>()
            .ResolveAsync(async (ctx, conversations) => await conversations.CreateAsync(ctx.GetArgument<CreateConversationInput>("input"), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<RenameConversationPayloadGraphType>, ConversationPayload>("renameConversation")
            .Description("Gives one of your conversations a new title.")
            .Argument<NonNullGraphType<RenameConversationInputGraphType>>("input", "The conversation and its new title.")
            .Resolve().WithService<ConversationCommands>()
            .ResolveAsync(async (ctx, conversations) => await conversations.RenameAsync(ctx.GetArgument<RenameConversationInput>("input"), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<DeleteConversationPayloadGraphType>, ConversationPayload>("deleteConversation")
            .Description("Deletes one of your conversations and all its messages.")
            .Argument<NonNullGraphType<DeleteConversationInputGraphType>>("input", "The conversation to delete.")
            .Resolve().WithService<ConversationCommands>()
            .ResolveAsync(async (ctx, conversations) => await conversations.DeleteAsync(ctx.GetArgument<DeleteConversationInput>("input"), ctx.CancellationToken));
    }
}
