namespace LlmPlatform.Llm.Generation;

/// <summary>Cross-instance signals about generations: who watches them, and requests to cancel.</summary>
public interface IGenerationSignals
{
    /// <summary>
    /// A viewer on this instance watches the generation now (called when one joins, periodically while any stays, and
    /// when the last leaves).
    /// </summary>
    ValueTask MarkWatchedAsync(Guid generationId, CancellationToken cancellationToken);

    /// <summary>
    /// When a viewer on another instance last watched it (as reported by <see cref="MarkWatchedAsync"/> anywhere); null
    /// if never, or unknown.
    /// </summary>
    ValueTask<DateTimeOffset?> LastWatchedAsync(Guid generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Asks whichever instance runs the generation to cancel it (pub/sub, plus a durable flag with a TTL for a missed
    /// message).
    /// </summary>
    ValueTask RequestCancelAsync(Guid generationId, CancellationToken cancellationToken);

    /// <summary>True when some instance asked to cancel it (the durable flag).</summary>
    ValueTask<bool> IsCancelRequestedAsync(Guid generationId, CancellationToken cancellationToken);

    /// <summary>Registers what this instance does when any instance (this one included) asks to cancel a generation.</summary>
    IDisposable OnCancelRequested(Func<Guid, ValueTask> handler);
}
