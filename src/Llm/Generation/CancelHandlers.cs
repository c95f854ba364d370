using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Generation;

/// <summary>What this instance does on a cancel request: every registered handler, each shielded from the others' failures.</summary>
internal sealed partial class CancelHandlers(ILogger logger)
{
    private readonly Lock _gate = new();
    private Func<Guid, ValueTask>[] _handlers = [];

    public int Count => Volatile.Read(ref _handlers).Length;

    public IDisposable Add(Func<Guid, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
            _handlers = [.. _handlers, handler];
        return new Registration(this, handler);
    }

    public async ValueTask InvokeAsync(Guid generationId)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                await handler(generationId);
            }
#pragma warning disable CA1031 // One broken handler must not keep the others from cancelling, nor break the listener.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(logger, e, generationId);
            }
        }
    }

    private void Remove(Func<Guid, ValueTask> handler)
    {
        lock (_gate)
            _handlers = [.. _handlers.Where(h => h != handler)];
    }

    [LoggerMessage(EventId = 3321, Level = LogLevel.Error, Message = "A cancel request handler failed for generation {GenerationId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, Guid generationId);

    private sealed class Registration(CancelHandlers handlers, Func<Guid, ValueTask> handler) : IDisposable
    {
        public void Dispose() => handlers.Remove(handler);
    }
}
