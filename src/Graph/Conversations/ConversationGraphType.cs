using GraphQL;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Schema.Paging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Conversations;

public sealed class ConversationGraphType : ObjectGraphType<Conversation>
{
    public const string TypeName = "Conversation";

    public ConversationGraphType()
    {
        Name = TypeName;
        Description = "A thread of messages between you and a persona.";
        Interface<NodeInterfaceGraphType>();
        IsTypeOf = source => source is Conversation;
        Field<NonNullGraphType<IdGraphType>>("id").Description("The conversation's global id.")
            .Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field(c => c.Title).Description("The conversation's title.");
        Field<PersonaGraphType>("persona")
            .Description("The persona this conversation talks to; null once that persona has been deleted.")
            .Resolve(ctx => ctx.Source.PersonaId is { } id
                ? ctx.RequestServices!.GetRequiredService<PersonaByIdDataLoader>().Load(id)
                : null);
        Field<NonNullGraphType<ConnectionGraphType<MessageGraphType, Message>>>("messages")
            .Description("The conversation's messages, oldest first.")
            .PagingArguments()
            .Resolve(ctx =>
            {
                var page = PageRequest.From(ctx, ctx.RequestServices!.GetRequiredService<IOptions<PagingOptions>>().Value);
                return ctx.RequestServices!.GetRequiredService<MessagesByConversationIdDataLoader>()
                    .Load((ctx.Source.Id, page))
                    .Then(messages => messages ?? Schema.Paging.Connection<Message>.Empty);
            });
        Field(c => c.CreatedAt).Description("When the conversation was started (UTC).");
        Field(c => c.UpdatedAt).Description("When the conversation last changed (UTC).");
        this.AddConversationUsage();
    }
}
