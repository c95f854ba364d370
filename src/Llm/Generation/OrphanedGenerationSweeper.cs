using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Ends the generations whose instance died (their lease lapsed) as INSTANCE_LOST: stores the text streamed so far —
/// the checkpoint, completed from the event stream when it still holds the chunks after it — and its usage, and gives
/// live and resuming viewers the final event. Runs on the leader only.
/// </summary>
public sealed partial class OrphanedGenerationSweeper(
    GenerationStore store,
    IGenerationEventStream events,
    ProviderRegistry providers,
    TokenCounter tokens,
    TimeProvider clock,
    IOptions<GenerationOptions> options,
    ILogger<OrphanedGenerationSweeper> logger) : IWorkerJob
{
    private const int Batch = 100;

    public string Name => "orphaned-generations";

    public TimeSpan Interval => options.Value.OrphanSweepInterval;

    public Task RunAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>Ends every orphan found now; returns how many it ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var orphan in await store.FindOrphansAsync(Batch, cancellationToken))
        {
            if (await EndAsync(orphan, cancellationToken))
                ended++;
        }
        return ended;
    }

    private async Task<bool> EndAsync(Data.Entities.Generation orphan, CancellationToken cancellationToken)
    {
        var after = await events.ReadRetainedAsync(orphan.Id, orphan.CheckpointChunks - 1, cancellationToken);
        var text = orphan.CheckpointText + string.Concat(after?.Select(c => c.Text) ?? []);
        var chunks = orphan.CheckpointChunks + (after?.Count ?? 0);
        var model = providers.Find(orphan.Provider)?.Models.GetValueOrDefault(orphan.Model);
        var completionTokens = tokens.Count(text);
        var lastHeard = orphan.CheckpointedAt ?? orphan.StartedAt;
        var usage = new GenerationUsage(
            orphan.PromptTokens, completionTokens, Estimated: true,
            LatencyMs: (int)Math.Clamp((lastHeard - orphan.StartedAt).TotalMilliseconds, 0, int.MaxValue),
            TimeToFirstTokenMs: null,
            Cost: model is null ? 0 : (orphan.PromptTokens * model.InputCostPerMillion + completionTokens * model.OutputCostPerMillion) / 1_000_000m,
            Provider: orphan.Provider, Model: orphan.Model);
        const string reason = "The instance running this generation stopped; the text streamed so far was stored.";
        var outcome = new GenerationOutcome(orphan.Id, orphan.ConversationId, orphan.PersonaId, orphan.OwnerId, orphan.Provider, orphan.Model,
            text, chunks, FinishReason.Error, usage, GenerationStatus.Failed, GenerationErrorCodes.InstanceLost, reason);
        var stored = await store.FinishAsync(outcome, cancellationToken);
        if (stored.EndedElsewhere)
            return false;
        await events.EndOrphanAsync(new GenerationFailed(orphan.Id, GenerationErrorCodes.InstanceLost, reason, stored.MessageId, usage), cancellationToken);
        LogEnded(logger, orphan.Id, orphan.InstanceId, chunks, clock.GetUtcNow().UtcDateTime - orphan.LeaseExpiresAt);
        return true;
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Warning, Message = "Generation {GenerationId} lost its instance {InstanceId}; ended with the {Chunks} chunks it had streamed, {Late} after its lease lapsed")]
    private static partial void LogEnded(ILogger logger, Guid generationId, string instanceId, int chunks, TimeSpan late);
}
