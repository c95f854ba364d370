using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Signals for a single instance: there are no viewers elsewhere, and a cancel request goes straight to this
/// instance's handlers. The flag of a request is kept <see cref="GenerationStreamOptions.SignalTtl"/>.
/// </summary>
public sealed class InMemoryGenerationSignals(
    IOptions<GenerationStreamOptions> options, TimeProvider clock, ILogger<InMemoryGenerationSignals> logger) : IGenerationSignals
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _cancelRequestedUntil = new();
    private readonly CancelHandlers _handlers = new(logger);

    public ValueTask MarkWatchedAsync(Guid generationId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<DateTimeOffset?> LastWatchedAsync(Guid generationId, CancellationToken cancellationToken) => new((DateTimeOffset?)null);

    public async ValueTask RequestCancelAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Expired flags go as new ones come, so the map holds at most the requests of one SignalTtl.
        foreach (var (id, until) in _cancelRequestedUntil)
        {
            if (until <= now)
                _cancelRequestedUntil.TryRemove(id, out _);
        }
        _cancelRequestedUntil[generationId] = now + options.Value.SignalTtl;
        await _handlers.InvokeAsync(generationId);
    }

    public ValueTask<bool> IsCancelRequestedAsync(Guid generationId, CancellationToken cancellationToken) =>
        new(_cancelRequestedUntil.TryGetValue(generationId, out var until) && until > clock.GetUtcNow());

    public IDisposable OnCancelRequested(Func<Guid, ValueTask> handler) => _handlers.Add(handler);
}
