using System.Runtime.CompilerServices;
using LlmPlatform.Data.Queries;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// What the API asks of generations, on any instance: start one, find where one stands, watch it, cancel it. Running
/// state comes from the event stream (shared through Redis when configured), ended state from the database; who may
/// see a generation is decided here and nowhere else.
/// </summary>
public sealed class GenerationService(
    GenerationAdmission admission,
    GenerationStore store,
    IGenerationEventStream events,
    ActiveGenerations active,
    GenerationViewers viewers,
    IGenerationSignals signals,
    TimeProvider clock,
    IOptions<GenerationOptions> options)
{
    private static readonly TimeSpan EndedPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Checks and starts a generation for <paramref name="userId"/>; it then runs in the background. It counts against
    /// the limits of <paramref name="rateLimitKey"/> (see <see cref="Limits.IGenerationRateLimiter"/>).
    /// </summary>
    public Task<GenerationStart> StartAsync(GenerationRequest request, Guid userId, string rateLimitKey, CancellationToken cancellationToken) =>
        admission.StartAsync(request, userId, rateLimitKey, cancellationToken);

    /// <summary>Where one of the viewer's generations stands; null when there is none they may see.</summary>
    public Task<GenerationState?> FindAsync(Guid generationId, Viewer viewer, CancellationToken cancellationToken) =>
        store.FindAsync(generationId, viewer, cancellationToken);

    /// <summary>
    /// The events of a generation the viewer may see, from its start or after a token index, then its end. While it
    /// runs, the reader counts as a viewer (here and, through the signals, on the instance running it): when nobody
    /// has watched for the configured wait, it is cancelled. A generation no stream holds any more (ended long ago, or
    /// its instance died) gets the final event the database knows, once there is one.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> WatchAsync(
        Guid generationId, int? afterIndex, Viewer viewer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = await events.FindAsync(generationId, cancellationToken);
        if (started is not null)
        {
            if (!viewer.CanSee(started.OwnerId))
                throw NotFound();
            using (viewers.Add(generationId))
            {
                await using var stream = events.ReadAsync(generationId, afterIndex, cancellationToken).GetAsyncEnumerator(cancellationToken);
                var expired = false;
                while (true)
                {
                    try
                    {
                        if (!await stream.MoveNextAsync())
                            yield break;
                    }
                    catch (GenerationStreamException e) when (e.Code == GenerationErrorCodes.NotFound)
                    {
                        // Expired between the lookup and the read: the database has how it ended.
                        expired = true;
                    }
                    if (expired)
                        break;
                    yield return stream.Current;
                }
            }
        }

        var state = await store.FindAsync(generationId, viewer, cancellationToken) ?? throw NotFound();
        while (state.Status == GenerationPhase.Running)
        {
            // Running with no stream: its instance is gone, and the sweeper will end it from its checkpoint.
            await Task.Delay(EndedPollInterval, clock, cancellationToken);
            state = await store.FindAsync(generationId, viewer, cancellationToken) ?? throw NotFound();
        }
        yield return state.FinalEvent()!;
    }

    /// <summary>
    /// Cancels one of the viewer's generations wherever it runs, and answers how it stands once it has ended and been
    /// stored (or, past <see cref="GenerationOptions.CancelWaitTimeout"/>, still running); an ended one is left as it
    /// ended. Null when there is none the viewer may see.
    /// </summary>
    public async Task<GenerationState?> CancelAsync(Guid generationId, Viewer viewer, CancellationToken cancellationToken)
    {
        var state = await store.FindAsync(generationId, viewer, cancellationToken);
        if (state is not { Status: GenerationPhase.Running })
            return state;
        if (active.Find(generationId) is { } running)
        {
            running.Cancel();
            await running.Completion.WaitAsync(options.Value.CancelWaitTimeout, clock, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return await store.FindAsync(generationId, viewer, cancellationToken);
        }
        try
        {
            await signals.RequestCancelAsync(generationId, cancellationToken);
        }
        catch (GenerationStreamException)
        {
            // The other instances cannot be reached (Redis is away): it is still running, and the answer says so.
            return state;
        }
        var giveUpAt = clock.GetUtcNow() + options.Value.CancelWaitTimeout;
        while (state is { Status: GenerationPhase.Running } && clock.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(CancelPollInterval, clock, cancellationToken);
            state = await store.FindAsync(generationId, viewer, cancellationToken);
        }
        return state;
    }

    private static GenerationStreamException NotFound() =>
        new(GenerationErrorCodes.NotFound, "No such generation, or it finished too long ago to watch.");
}
