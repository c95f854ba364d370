using GraphQL;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Generation;

public static class GenerationSubscriptions
{
    public static void AddGenerationSubscriptions(this SubscriptionGraphType subscription)
    {
        subscription.Field<NonNullGraphType<GenerationEventGraphType>>("generate")
            .Description("Starts a generation and streams it in one operation. Ending the subscription leaves the generation running for a short grace period, then cancels it unless someone else watches.")
            .Argument<NonNullGraphType<GenerateInputGraphType>>("input", "The prompt and settings.")
            .ResolveStreamAsync(async ctx =>
            {
                var events = await ctx.RequestServices!.GetRequiredService<GenerationCommands>()
                    .StartAndWatchAsync(ctx.GetArgument<GenerateInput>("input"), ctx.CancellationToken);
                return Observe(events);
            });

        subscription.Field<NonNullGraphType<GenerationEventGraphType>>("generation")
            .Description("Streams a generation you started, from any instance: from its start, or only the chunks after `after` (to resume after a dropped connection) and its end.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The generation's global id.")
            .Argument<IntGraphType>("after", "Send only the chunks after this index (and the final event); -1 for every chunk without the start event.")
            .ResolveStreamAsync(async ctx =>
            {
                var events = await ctx.RequestServices!.GetRequiredService<GenerationCommands>()
                    .WatchAsync(ctx.GetArgument<string>("id"), ctx.GetArgument<int?>("after"), ctx.CancellationToken);
                return Observe(events);
            });
    }

    private static IObservable<object?> Observe(IAsyncEnumerable<GenerationEvent> events) =>
        new AsyncEnumerableObservable<object?>(ct => Boxed(events, ct));

    private static async IAsyncEnumerable<object?> Boxed(
        IAsyncEnumerable<GenerationEvent> events, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (await MoveNextAsync(enumerator))
        {
            yield return enumerator.Current;
        }
    }

    // A stream that cannot go on gap-free says why with an exception of its own (REPLAY_UNAVAILABLE, FELL_BEHIND, or
    // NOT_FOUND once a finished generation has expired). The engine masks any other exception as an internal error,
    // so it becomes an ExecutionError with that code: the client learns to read the stored message instead of retrying.
    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        try
        {
            return await events.MoveNextAsync();
        }
        catch (GenerationStreamException e)
        {
            throw new ExecutionError(e.Message, e) { Code = e.Code };
        }
    }
}
