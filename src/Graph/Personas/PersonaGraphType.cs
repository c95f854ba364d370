using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

public sealed class PersonaGraphType : ObjectGraphType<Persona>
{
    public const string TypeName = "Persona";

    public PersonaGraphType()
    {
        Name = TypeName;
        Description = "A reusable assistant: a system prompt plus default generation settings.";
        Interface<NodeInterfaceGraphType>();
        IsTypeOf = source => source is Persona;
        Field<NonNullGraphType<IdGraphType>>("id").Description("The persona's global id.")
            .Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field(p => p.Name).Description("A short display name.");
        Field(p => p.Description).Description("What the persona is for, shown to users.");
        Field(p => p.SystemPrompt).Description("The system message that opens every conversation with this persona.");
        Field(p => p.DefaultProvider, nullable: true).Description("The provider generations use unless the request names one; null (as for the built-in personas) follows the server's configured default provider.");
        Field(p => p.DefaultModel, nullable: true).Description("The model generations use unless the request names one; null follows the provider's default model.");
        Field(p => p.Temperature).Description("Sampling temperature, 0 to 2: higher is more varied.");
        Field(p => p.MaxTokens, nullable: true).Description("The most tokens a reply may have; null for the model's limit.");
        Field(p => p.IsBuiltIn).Description("True for the personas every installation has; they cannot be changed.");
        Field(p => p.CreatedAt).Description("When the persona was created (UTC).");
        Field(p => p.UpdatedAt).Description("When the persona was last changed (UTC).");
        Field(p => p.CacheResponses).Description("True when deterministic generations (temperature 0) may be answered from the response cache; a request's `cache` overrides it.");
        Field(p => p.Route, nullable: true).Description(CreatePersonaInputGraphType.RouteDescription);
        this.AddPersonaUsage();
    }
}
