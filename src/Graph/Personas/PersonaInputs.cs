using System.Globalization;
using GraphQL.Types;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

public sealed record CreatePersonaInput(
    string Name, string? Description, string SystemPrompt, string? DefaultProvider, string? DefaultModel,
    double? Temperature, int? MaxTokens, bool? CacheResponses = null, string? Route = null);

public sealed class CreatePersonaInputGraphType : InputObjectGraphType<CreatePersonaInput>
{
    public CreatePersonaInputGraphType()
    {
        Name = "CreatePersonaInput";
        Description = "A new persona of your own.";
        Field(i => i.Name).Description($"A short display name, 1 to {Data.Entities.Persona.NameMaxLength} characters.");
        Field(i => i.Description, nullable: true).Description($"What the persona is for, at most {Data.Entities.Persona.DescriptionMaxLength} characters.");
        Field(i => i.SystemPrompt).Description($"The system message, 1 to {Data.Entities.Persona.SystemPromptMaxLength} characters unless the server allows fewer.");
        Field(i => i.DefaultProvider, nullable: true).Description("The provider generations use unless the request names one; null (as for the built-in personas) follows the server's configured default provider.");
        Field(i => i.DefaultModel, nullable: true).Description("The model generations use unless the request names one; null follows the provider's default model.");
        Field(i => i.Temperature, nullable: true).Description(string.Create(CultureInfo.InvariantCulture, $"Sampling temperature, {SamplingDefaults.MinTemperature} to {SamplingDefaults.MaxTemperature}; {SamplingDefaults.Temperature} when not given."));
        Field(i => i.MaxTokens, nullable: true).Description("The most tokens a reply may have, from 1 to the server's `Llm:Generation:MaxTokensLimit` (32000 unless configured); a generation on a model that allows fewer is refused. Null for the model's limit.");
        Field(i => i.CacheResponses, nullable: true).Description("Answer deterministic generations (temperature 0) from the response cache when the same request was answered before; false when not given. A request's `cache` overrides it.");
        Field(i => i.Route, nullable: true).Description(RouteDescription);
    }

    internal const string RouteDescription = "A route configured on the server (`Llm:Routes`): its targets are tried in order, the next when one fails before its first token. Used when the request names no provider, model or route; takes precedence over `defaultProvider`.";
}

/// <summary>
/// Changes to a persona. Fields left out stay as they are; a nullable field set to null is cleared.
/// </summary>
public sealed record UpdatePersonaInput(
    string Id,
    Optional<string> Name, Optional<string?> Description, Optional<string> SystemPrompt,
    Optional<string?> DefaultProvider, Optional<string?> DefaultModel, Optional<double?> Temperature, Optional<int?> MaxTokens,
    Optional<bool?> CacheResponses = default, Optional<string?> Route = default)
{
    public static UpdatePersonaInput From(IDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new UpdatePersonaInput(
            (string)input["id"]!,
            Optional<string>.Of(input, "name"),
            Optional<string?>.Of(input, "description"),
            Optional<string>.Of(input, "systemPrompt"),
            Optional<string?>.Of(input, "defaultProvider"),
            Optional<string?>.Of(input, "defaultModel"),
            Optional<double?>.Of(input, "temperature"),
            Optional<int?>.Of(input, "maxTokens"),
            Optional<bool?>.Of(input, "cacheResponses"),
            Optional<string?>.Of(input, "route"));
    }
}

public sealed class UpdatePersonaInputGraphType : InputObjectGraphType
{
    public UpdatePersonaInputGraphType()
    {
        Name = "UpdatePersonaInput";
        Description = "Changes to one of your personas. Fields left out stay as they are; `null` clears a field that may be empty.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The persona's global id.");
        Field<StringGraphType>("name").Description("A new name; cannot be null.");
        Field<StringGraphType>("description").Description("A new description.");
        Field<StringGraphType>("systemPrompt").Description("A new system message; cannot be null.");
        Field<StringGraphType>("defaultProvider").Description("A new default provider.");
        Field<StringGraphType>("defaultModel").Description("A new default model.");
        Field<FloatGraphType>("temperature").Description("A new temperature, 0 to 2; cannot be null.");
        Field<IntGraphType>("maxTokens").Description("A new limit on reply tokens.");
        Field<BooleanGraphType>("cacheResponses").Description("Whether deterministic generations may be answered from the response cache; cannot be null.");
        Field<StringGraphType>("route").Description("A new route (one configured in `Llm:Routes`); null for none.");
    }
}

public sealed record DeletePersonaInput(string Id);

public sealed class DeletePersonaInputGraphType : InputObjectGraphType<DeletePersonaInput>
{
    public DeletePersonaInputGraphType()
    {
        Name = "DeletePersonaInput";
        Description = "The persona to delete. Its conversations stay, without a persona.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The persona's global id.");
    }
}
