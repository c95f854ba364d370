using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Generation events for a single instance. Each generation has one log that every viewer reads at its own
/// position, so a slow viewer never holds up the generation or the others, and memory is bounded by the log.
/// </summary>
public sealed class InMemoryGenerationEventStream(IOptions<GenerationOptions> options, TimeProvider clock) : IGenerationEventStream
{
    private readonly LocalGenerationLogs _logs = new(options, clock);

    public ValueTask OpenAsync(GenerationStarted started, CancellationToken cancellationToken)
    {
        _logs.Open(started);
        return ValueTask.CompletedTask;
    }

    public ValueTask AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        _logs.Append(generationEvent);
        return ValueTask.CompletedTask;
    }

    public ValueTask<GenerationStarted?> FindAsync(Guid generationId, CancellationToken cancellationToken) =>
        new(_logs.Find(generationId)?.Started);

    public IAsyncEnumerable<GenerationEvent> ReadAsync(Guid generationId, int? afterIndex, CancellationToken cancellationToken) =>
        (_logs.Find(generationId) ?? throw LocalGenerationLogs.NotFound()).ReadAsync(afterIndex, cancellationToken);

    public ValueTask<IReadOnlyList<TokenChunk>?> ReadRetainedAsync(Guid generationId, int afterIndex, CancellationToken cancellationToken) =>
        new(_logs.Find(generationId)?.Retained(afterIndex));

    public ValueTask<bool> EndOrphanAsync(GenerationEvent final, CancellationToken cancellationToken) =>
        new(_logs.TryFinish(final));
}
