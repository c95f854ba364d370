using GraphQL.Types;
using LlmPlatform.Graph.Schema;

using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Graph.Generation;

/// <summary>The result of a generation mutation: the generation, or why nothing happened.</summary>
public sealed record GenerationPayload(GenerationState? Generation, IReadOnlyList<UserError> UserErrors);

public abstract class GenerationPayloadGraphType : ObjectGraphType<GenerationPayload>
{
    protected GenerationPayloadGraphType(string name, string mutation, string generationDescription)
    {
        Name = name;
        Description = $"The result of `{mutation}`.";
        Field<GenerationGraphType>("generation").Description(generationDescription).Resolve(ctx => ctx.Source.Generation);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing happened; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class StartGenerationPayloadGraphType() : GenerationPayloadGraphType(
    "StartGenerationPayload", "startGeneration", "The running generation: subscribe to `generation(id:)` to stream it; null when there are user errors.");

public sealed class CancelGenerationPayloadGraphType() : GenerationPayloadGraphType(
    "CancelGenerationPayload", "cancelGeneration", "The generation, now being cancelled; null when there are user errors.");
