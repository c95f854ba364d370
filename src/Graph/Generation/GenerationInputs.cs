using GraphQL.Types;

namespace LlmPlatform.Graph.Generation;

public sealed record GenerateInput(
    string? ConversationId, string? PersonaId, string Prompt, string? Provider, string? Model, double? Temperature, int? MaxTokens, double? TopP = null,
    bool? Cache = null, ResponseFormatInput? ResponseFormat = null, string? Route = null);

public sealed class GenerateInputGraphType : InputObjectGraphType<GenerateInput>
{
    public GenerateInputGraphType()
    {
        Name = "GenerateInput";
        Description = "A prompt to answer. Settings left out come from the persona, then from the provider.";
        Field<IdGraphType>("conversationId").Description("The conversation to continue; a new one is started when not given.");
        Field<IdGraphType>("personaId").Description("The persona to answer as; the conversation's, else the helpful assistant, when not given.");
        Field(i => i.Prompt).Description("What to answer.");
        Field(i => i.Provider, nullable: true).Description("The provider to use, by name (see `providers`); the persona's when not given.");
        Field(i => i.Model, nullable: true).Description("The model to use, one the provider offers; the persona's or the provider's default when not given.");
        Field(i => i.Temperature, nullable: true).Description("Sampling temperature, 0 to 2.");
        Field(i => i.MaxTokens, nullable: true).Description("The most tokens the reply may have.");
        Field(i => i.TopP, nullable: true).Description("Nucleus sampling: draw only from the likeliest tokens whose probabilities add up to this; more than 0 and at most 1. The provider's default when not given.");
        Field(i => i.Cache, nullable: true).Description("Answer from the response cache when this exact request (provider, model, messages and settings) was answered before, and store the reply otherwise. Only deterministic requests (temperature 0) use it; the persona's `cacheResponses` when not given.");
        Field<ResponseFormatInputGraphType>("responseFormat").Description("The shape the reply must have; TEXT when not given.");
        Field(i => i.Route, nullable: true).Description("A route configured on the server (`Llm:Routes`) instead of a provider and model: its targets are tried in order, the next when one fails before its first token (an error, a timeout, an open circuit, no key). Not with `provider` or `model` (ROUTE_CONFLICT); an unknown name is UNKNOWN_ROUTE. The persona's route, else its provider, else the server's default route or provider, when none of them is given.");
    }
}

public sealed record CancelGenerationInput(string Id);

public sealed class CancelGenerationInputGraphType : InputObjectGraphType<CancelGenerationInput>
{
    public CancelGenerationInputGraphType()
    {
        Name = "CancelGenerationInput";
        Description = "The generation to cancel.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The generation's global id.");
    }
}
