using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

public static class PersonaMutations
{
    public static void AddPersonaMutations(this MutationGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CreatePersonaPayloadGraphType>, PersonaPayload>("createPersona")
            .Description("Creates a persona of your own.")
            .Argument<NonNullGraphType<CreatePersonaInputGraphType>>("input", "The new persona.")
            .Resolve().WithService<PersonaCommands>()
            .ResolveAsync(async (ctx, personas) => await personas.CreateAsync(ctx.GetArgument<CreatePersonaInput>("input"), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<UpdatePersonaPayloadGraphType>, PersonaPayload>("updatePersona")
            .Description("Changes one of your personas. Built-in personas are read-only.")
            .Argument<NonNullGraphType<UpdatePersonaInputGraphType>>("input", "The persona and the changes.")
            .Resolve().WithService<PersonaCommands>()
            .ResolveAsync(async (ctx, personas) => await personas.UpdateAsync(
                UpdatePersonaInput.From(ctx.GetArgument<Dictionary<string, object?>>("input")), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<DeletePersonaPayloadGraphType>, PersonaPayload>("deletePersona")
            .Description("Deletes one of your personas. Built-in personas are read-only.")
            .Argument<NonNullGraphType<DeletePersonaInputGraphType>>("input", "The persona to delete.")
            .Resolve().WithService<PersonaCommands>()
            .ResolveAsync(async (ctx, personas) => await personas.DeleteAsync(ctx.GetArgument<DeletePersonaInput>("input"), ctx.CancellationToken));
    }
}
