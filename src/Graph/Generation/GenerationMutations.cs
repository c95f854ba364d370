using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Generation;

public static class GenerationMutations
{
    public static void AddGenerationMutations(this MutationGraphType mutation)
    {
        mutation.Field<NonNullGraphType<StartGenerationPayloadGraphType>, GenerationPayload>("startGeneration")
            .Description("Starts a generation and returns at once; stream it with the `generation(id:)` subscription, from any instance.")
            .Argument<NonNullGraphType<GenerateInputGraphType>>("input", "The prompt and settings.")
            .Resolve().WithService<GenerationCommands>()
            .ResolveAsync(async (ctx, generations) => await generations.StartAsync(ctx.GetArgument<GenerateInput>("input"), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<CancelGenerationPayloadGraphType>, GenerationPayload>("cancelGeneration")
            .Description("Cancels one of your generations on whichever instance runs it, and answers once it has ended and been stored: CANCELLED, with what it had written so far. A generation that had already ended is left as it ended, and its status says how.")
            .Argument<NonNullGraphType<CancelGenerationInputGraphType>>("input", "The generation to cancel.")
            .Resolve().WithService<GenerationCommands>()
            .ResolveAsync(async (ctx, generations) => await generations.CancelAsync(ctx.GetArgument<CancelGenerationInput>("input"), ctx.CancellationToken));
    }
}
