using GraphQL.Types;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Generation;

public sealed class GenerationEventGraphType : UnionGraphType
{
    public GenerationEventGraphType()
    {
        Name = "GenerationEvent";
        Description = "One event of a generation: it starts, streams token chunks, then completes or fails.";
        Type<GenerationStartedGraphType>();
        Type<TokenChunkGraphType>();
        Type<GenerationCompletedGraphType>();
        Type<GenerationFailedGraphType>();
    }
}

public sealed class GenerationStartedGraphType : ObjectGraphType<GenerationStarted>
{
    public GenerationStartedGraphType()
    {
        Name = "GenerationStarted";
        Description = "The generation was accepted; chunks follow.";
        IsTypeOf = source => source is GenerationStarted;
        Field<NonNullGraphType<GenerationGraphType>>("generation").Description("The generation, to watch again or cancel by its id.")
            .Resolve(ctx => GenerationState.Running(ctx.Source));
        Field<NonNullGraphType<ConversationGraphType>>("conversation").Description("The conversation it writes into; a new one when none was given.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ConversationByIdDataLoader>().Load(ctx.Source.ConversationId));
        Field(e => e.Provider).Description("The provider called first (or whose cached reply is replayed). When it fails before its first token, the route moves on: `Usage.provider` names the one that served.");
        Field(e => e.Model).Description("The model called first; `Usage.model` names the one that served.");
    }
}

public sealed class TokenChunkGraphType : ObjectGraphType<TokenChunk>
{
    public TokenChunkGraphType()
    {
        Name = "TokenChunk";
        Description = "A piece of the reply. Indexes start at 0 and have no gaps: a client can prove it lost nothing.";
        IsTypeOf = source => source is TokenChunk;
        Field<NonNullGraphType<IdGraphType>>("generationId").Description("The generation's global id.")
            .Resolve(ctx => GlobalId.Encode(GenerationGraphType.TypeName, ctx.Source.GenerationId));
        Field(e => e.Index).Description("The chunk's position in the reply, from 0.");
        Field(e => e.Text).Description("The chunk's text; the reply is the chunks' texts in index order.");
    }
}

public sealed class GenerationCompletedGraphType : ObjectGraphType<GenerationCompleted>
{
    public GenerationCompletedGraphType()
    {
        Name = "GenerationCompleted";
        Description = "The reply ended (finished, cut at the token limit, or cancelled) and was stored.";
        IsTypeOf = source => source is GenerationCompleted;
        Field<NonNullGraphType<IdGraphType>>("generationId").Description("The generation's global id.")
            .Resolve(ctx => GlobalId.Encode(GenerationGraphType.TypeName, ctx.Source.GenerationId));
        Field<NonNullGraphType<MessageGraphType>>("message").Description("The stored reply; its finishReason says how it ended.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<MessageByIdDataLoader>().Load(ctx.Source.MessageId));
        Field<NonNullGraphType<UsageGraphType>>("usage").Description("Tokens, timing and cost.").Resolve(ctx => ctx.Source.Usage);
    }
}

public sealed class GenerationFailedGraphType : ObjectGraphType<GenerationFailed>
{
    public GenerationFailedGraphType()
    {
        Name = "GenerationFailed";
        Description = "The provider failed. What arrived before the failure was stored.";
        IsTypeOf = source => source is GenerationFailed;
        Field<NonNullGraphType<IdGraphType>>("generationId").Description("The generation's global id.")
            .Resolve(ctx => GlobalId.Encode(GenerationGraphType.TypeName, ctx.Source.GenerationId));
        Field(e => e.Code).Description("What went wrong, for a program: PROVIDER_RATE_LIMITED (the provider's 429), PROVIDER_TIMEOUT (it went silent), PROVIDER_ERROR (including an error the provider sent inside its reply), PROVIDER_TRUNCATED (the reply ended without the provider saying it was finished; the partial text is stored as failed), INSTANCE_LOST (the instance running it stopped; the text streamed so far was stored), or STORAGE_UNAVAILABLE (the database refused the reply for longer than the retry bound; it is stored once the database is back).");
        Field<NonNullGraphType<StringGraphType>>("reason").Description("What went wrong, for a human.").Resolve(ctx => ctx.Source.Message);
        // `GenerationCompleted.message` is a Message: a String field of the same name in this member of the union
        // made every client that selects both alias one of them (fields that cannot be merged).
        Field(e => e.Message).Description("What went wrong, for a human.")
            .DeprecationReason("Use `reason`: this field's name clashes with `GenerationCompleted.message` (a Message), so selecting both needs an alias.");
        Field<MessageGraphType>("partialMessage").Description("The stored partial reply; null when it could not be stored.")
            .Resolve(ctx => ctx.Source.MessageId is { } id ? ctx.RequestServices!.GetRequiredService<MessageByIdDataLoader>().Load(id) : null);
        Field<UsageGraphType>("usage").Description("Tokens, timing and cost up to the failure.").Resolve(ctx => ctx.Source.Usage);
    }
}

public sealed class UsageGraphType : ObjectGraphType<GenerationUsage>
{
    public UsageGraphType()
    {
        Name = "Usage";
        Description = "Tokens, timing and cost of one generation.";
        Field(u => u.PromptTokens).Description("Tokens sent to the model: system prompt, history and prompt.");
        Field(u => u.CompletionTokens).Description("Tokens the model wrote.");
        Field(u => u.TotalTokens).Description("Prompt and completion tokens together.");
        Field(u => u.Estimated).Description("True when the provider reported no usage and the tokens were counted by the server.");
        Field(u => u.LatencyMs).Description("Milliseconds from the provider call to the end of the reply.");
        Field(u => u.TimeToFirstTokenMs, nullable: true).Description("Milliseconds from the provider request to the provider's first chunk; null when none came.");
        Field<NonNullGraphType<FloatGraphType>>("cost").Description("Cost in the configured currency, from the model's prices.")
            .Resolve(ctx => (double)ctx.Source.Cost);
        Field(u => u.Cached).Description("True when the reply was replayed from the response cache: no provider was called, so its cost is 0; its tokens are those of the reply it replays.");
        Field(u => u.OverheadMs, nullable: true).Description(
            "Milliseconds the server itself added before the first token reached the viewers: from the start of the operation to the provider request, plus from the provider's first chunk to its publication to the viewers. Null when no token came.");
        Field(u => u.Provider).Description("The provider that served the reply (or failed last): the first target of the route that sent a token.");
        Field(u => u.Model).Description("The model that served the reply (or failed last).");
        Field(u => u.Attempts).Description("Targets of the route tried, the one that served (or failed last) included; targets skipped without a call (open circuit, no key) count. 1 without failover.");
    }
}
