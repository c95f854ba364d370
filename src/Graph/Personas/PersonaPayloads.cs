using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

/// <summary>The result of a persona mutation: the persona, or why nothing changed.</summary>
public sealed record PersonaPayload(Persona? Persona, IReadOnlyList<UserError> UserErrors)
{
    public static PersonaPayload Failed(IReadOnlyList<UserError> errors) => new(null, errors);

    public static PersonaPayload Failed(UserError error) => new(null, [error]);
}

public abstract class PersonaPayloadGraphType : ObjectGraphType<PersonaPayload>
{
    protected PersonaPayloadGraphType(string name, string personaDescription)
    {
        Name = name;
        Description = $"The result of `{char.ToLowerInvariant(name[0])}{name[1..^"Payload".Length]}`.";
        Field<PersonaGraphType>("persona").Description(personaDescription).Resolve(ctx => ctx.Source.Persona);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing changed; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class CreatePersonaPayloadGraphType() : PersonaPayloadGraphType("CreatePersonaPayload", "The new persona; null when there are user errors.");

public sealed class UpdatePersonaPayloadGraphType() : PersonaPayloadGraphType("UpdatePersonaPayload", "The persona as changed; null when there are user errors.");

public sealed class DeletePersonaPayloadGraphType() : PersonaPayloadGraphType("DeletePersonaPayload", "The persona as it was before deletion; null when there are user errors.");
