using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Conversations;

public static class ConversationQueries
{
    public static void AddConversationQueries(this QueryGraphType query)
    {
        query.Field<ConversationGraphType>("conversation")
            .Authorize()
            .Description("One of your conversations by its global id; null otherwise.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The conversation's global id.")
            .Resolve(ctx => GlobalId.TryDecodeGuid(ctx.GetArgument<string>("id"), ConversationGraphType.TypeName, out var id)
                ? ctx.RequestServices!.GetRequiredService<ConversationByIdDataLoader>().Load(id)
                : null);

        query.Field<NonNullGraphType<ConnectionGraphType<ConversationGraphType, Conversation>>, Connection<Conversation>>("conversations")
            .Authorize()
            .Description("Your conversations, most recently changed first unless `order` says otherwise.")
            .PagingArguments()
            .Argument<ConversationFilterInputGraphType>("where", "Only the conversations that match these conditions.")
            .Argument<ListGraphType<NonNullGraphType<ConversationSortInputGraphType>>>("order", "The order of the list; most recently changed first when not given.")
            .Resolve().WithServices<ConversationReader, IOptions<PagingOptions>>()
            .ResolveAsync(async (ctx, conversations, paging) => await conversations.ListAsync(
                ctx.Where<ConversationFilterInputGraphType, Conversation>(),
                ctx.Order<ConversationSortInputGraphType, Conversation>(),
                PageRequest.From(ctx, paging.Value),
                ctx.CancellationToken));
    }
}
