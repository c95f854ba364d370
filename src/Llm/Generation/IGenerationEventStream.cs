namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Carries each generation's events, in order, to every viewer, however late it joins. Keeps a bounded
/// number of recent events per generation so a viewer can resume after an index; one implementation per
/// deployment shape (in memory for one instance, Redis Streams across instances).
/// </summary>
public interface IGenerationEventStream
{
    /// <summary>Opens the generation's stream with its first event.</summary>
    ValueTask OpenAsync(GenerationStarted started, CancellationToken cancellationToken);

    /// <summary>Appends a chunk or the final event (after which the stream is closed).</summary>
    ValueTask AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken);

    /// <summary>The generation's first event, or null when no stream holds it (unknown or expired).</summary>
    ValueTask<GenerationStarted?> FindAsync(Guid generationId, CancellationToken cancellationToken);

    /// <summary>
    /// The events of a generation: from its start when <paramref name="afterIndex"/> is null, else the chunks
    /// after that index and the final event. Ends after the final event. Throws
    /// <see cref="GenerationStreamException"/> when it cannot give a gap-free sequence.
    /// </summary>
    IAsyncEnumerable<GenerationEvent> ReadAsync(Guid generationId, int? afterIndex, CancellationToken cancellationToken);

    /// <summary>
    /// The chunks the stream still holds after <paramref name="afterIndex"/> (-1: all), at once, without waiting for
    /// more; null when it holds nothing for this generation or can no longer give them gap-free (trimmed past
    /// <paramref name="afterIndex"/>).
    /// </summary>
    ValueTask<IReadOnlyList<TokenChunk>?> ReadRetainedAsync(Guid generationId, int afterIndex, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a generation whose own instance is gone: appends <paramref name="final"/> (GenerationFailed or
    /// GenerationCompleted) when the stream still holds the generation and it has no final event yet, so live and
    /// resuming viewers on every instance get it. False when the stream holds nothing for it or it already ended.
    /// Never throws for an unknown id.
    /// </summary>
    ValueTask<bool> EndOrphanAsync(GenerationEvent final, CancellationToken cancellationToken);
}

/// <summary>
/// A stream cannot be read as asked: unknown or expired (NOT_FOUND), the reader fell behind the retained events
/// (REPLAY_UNAVAILABLE, FELL_BEHIND), or the store shared by the instances stayed unreachable (STREAM_UNAVAILABLE).
/// </summary>
public sealed class GenerationStreamException : Exception
{
    public GenerationStreamException(string code, string message) : base(message) => Code = code;

    public GenerationStreamException() : this(GenerationErrorCodes.NotFound, "No such generation.") { }

    public GenerationStreamException(string message) : this(GenerationErrorCodes.NotFound, message) { }

    public GenerationStreamException(string message, Exception innerException) : base(message, innerException) =>
        Code = GenerationErrorCodes.NotFound;

    public string Code { get; }
}
