namespace LlmPlatform.Llm.Generation;

/// <summary>Signals for a single instance: nobody watches from elsewhere, and a cancel request goes straight to this instance's handlers.</summary>
public sealed class InMemoryGenerationSignals : IGenerationSignals
{
    private readonly Lock _gate = new();
    private Func<Guid, ValueTask>[] _handlers = [];

    public ValueTask MarkWatchedAsync(Guid generationId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<DateTimeOffset?> LastWatchedAsync(Guid generationId, CancellationToken cancellationToken) => new((DateTimeOffset?)null);

    public async ValueTask RequestCancelAsync(Guid generationId, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
            await handler(generationId);
    }

    public ValueTask<bool> IsCancelRequestedAsync(Guid generationId, CancellationToken cancellationToken) => new(false);

    public IDisposable OnCancelRequested(Func<Guid, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers, handler];
        return new Unregister(this, handler);
    }

    private sealed class Unregister(InMemoryGenerationSignals signals, Func<Guid, ValueTask> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (signals._gate)
                signals._handlers = [.. signals._handlers.Where(h => h != handler)];
        }
    }
}
