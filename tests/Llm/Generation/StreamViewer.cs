using System.Threading.Channels;
using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>A viewer reading a generation in the background, at its own pace, as a subscription would.</summary>
public sealed class StreamViewer
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>();
    private readonly List<GenerationEvent> _taken = [];

    private StreamViewer(IGenerationEventStream stream, Guid generationId, int? afterIndex, CancellationToken cancellationToken) =>
        Completion = Task.Run(async () =>
        {
            try
            {
                await foreach (var generationEvent in stream.ReadAsync(generationId, afterIndex, cancellationToken))
                    await _events.Writer.WriteAsync(generationEvent, CancellationToken.None);
            }
            finally
            {
                // The error, if any, comes from Completion.
                _events.Writer.Complete();
            }
        }, CancellationToken.None);

    /// <summary>Ends when the stream ends; faults with its error.</summary>
    public Task Completion { get; }

    /// <summary>Everything taken so far.</summary>
    public IReadOnlyList<GenerationEvent> Taken => _taken;

    public static StreamViewer Start(IGenerationEventStream stream, Guid generationId, int? afterIndex = null, CancellationToken cancellationToken = default) =>
        new(stream, generationId, afterIndex, cancellationToken);

    /// <summary>Takes events until the chunk with this index has arrived.</summary>
    public Task TakeThroughAsync(int index) => TakeUntilAsync(e => e is TokenChunk c && c.Index >= index);

    /// <summary>Takes the start event.</summary>
    public Task TakeUntilStartAsync() => TakeUntilAsync(e => e is GenerationStarted);

    /// <summary>Takes every event until the stream ends; throws the stream's error, if it ends with one.</summary>
    public async Task<IReadOnlyList<GenerationEvent>> TakeAllAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var generationEvent in _events.Reader.ReadAllAsync(timeout.Token))
            _taken.Add(generationEvent);
        await Completion;
        return _taken;
    }

    private async Task TakeUntilAsync(Func<GenerationEvent, bool> last)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (!await _events.Reader.WaitToReadAsync(timeout.Token))
            {
                await Completion;
                throw new InvalidOperationException("The stream ended before the awaited event.");
            }
            var generationEvent = await _events.Reader.ReadAsync(timeout.Token);
            _taken.Add(generationEvent);
            if (last(generationEvent))
                return;
        }
    }
}
