using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Generation events for a single instance. Each generation has one log that every viewer reads at its own
/// position, so a slow viewer never holds up the generation or the others, and memory is bounded by the log.
/// </summary>
public sealed class InMemoryGenerationEventStream(IOptions<GenerationOptions> options, TimeProvider clock) : IGenerationEventStream
{
    private readonly ConcurrentDictionary<Guid, GenerationLog> _logs = new();

    public ValueTask OpenAsync(GenerationStarted started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        var log = new GenerationLog(started, options.Value.ReplayBufferSize);
        if (!_logs.TryAdd(started.GenerationId, log))
            throw new InvalidOperationException($"Generation {started.GenerationId} is already open.");
        return ValueTask.CompletedTask;
    }

    public ValueTask AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generationEvent);
        if (!_logs.TryGetValue(generationEvent.GenerationId, out var log))
            throw new InvalidOperationException($"Generation {generationEvent.GenerationId} is not open.");
        if (log.Append(generationEvent))
        {
            // Finished: keep it for late viewers and resumes for a while, then let it go.
            var id = generationEvent.GenerationId;
            _ = Task.Delay(options.Value.RetainFinishedFor, clock, CancellationToken.None)
                .ContinueWith(_ => _logs.TryRemove(id, out var _), TaskScheduler.Default);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<GenerationStarted?> FindAsync(Guid generationId, CancellationToken cancellationToken) =>
        new(_logs.TryGetValue(generationId, out var log) ? log.Started : null);

    public ValueTask<IReadOnlyList<TokenChunk>?> ReadRetainedAsync(Guid generationId, int afterIndex, CancellationToken cancellationToken) =>
        new(_logs.TryGetValue(generationId, out var log) ? log.Retained(afterIndex) : null);

    public async ValueTask<bool> EndOrphanAsync(GenerationEvent final, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(final);
        if (!_logs.TryGetValue(final.GenerationId, out var log) || log.IsFinished)
            return false;
        await AppendAsync(final, cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<GenerationEvent> ReadAsync(
        Guid generationId, int? afterIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(generationId, out var log))
            throw new GenerationStreamException(GenerationErrorCodes.NotFound, "No such generation, or it finished too long ago to watch.");

        using var reader = log.Subscribe(afterIndex);
        while (true)
        {
            while (reader.TryRead(out var next))
            {
                yield return next;
                if (next is GenerationCompleted or GenerationFailed)
                    yield break;
            }
            await reader.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// One generation's events at absolute positions 0, 1, 2…; the newest <c>capacity</c> are kept in a ring.
    /// Position 0 is always the start event, kept apart so a late viewer of a long generation still gets it.
    /// </summary>
    private sealed class GenerationLog(GenerationStarted started, int capacity)
    {
        private const int InitialRingSize = 256;

        private readonly Lock _gate = new();
        // Most replies are short: start small and double up to the configured capacity as the reply grows.
        private GenerationEvent[] _ring = new GenerationEvent[Math.Min(capacity, InitialRingSize)];
        private Reader[] _readers = [];
        private long _next = 1;     // position of the next event; 0 is `started`
        private bool _finished;

        public GenerationStarted Started { get; } = started;

        public bool IsFinished
        {
            get
            {
                lock (_gate)
                    return _finished;
            }
        }

        /// <summary>The chunks after <paramref name="afterIndex"/> held now; null when some were already trimmed.</summary>
        public IReadOnlyList<TokenChunk>? Retained(int afterIndex)
        {
            lock (_gate)
            {
                var from = (long)afterIndex + 2;
                if (from < Oldest())
                    return null;
                var chunks = new List<TokenChunk>();
                for (var position = from; position < _next; position++)
                {
                    if (_ring[position % _ring.Length] is TokenChunk chunk)
                        chunks.Add(chunk);
                }
                return chunks;
            }
        }

        /// <summary>Appends an event; true when it is the final one.</summary>
        public bool Append(GenerationEvent generationEvent)
        {
            Reader[] readers;
            lock (_gate)
            {
                if (_finished)
                    throw new InvalidOperationException("The generation has already finished.");
                if (_next - 1 >= _ring.Length && _ring.Length < capacity)
                    Grow();
                _ring[_next % _ring.Length] = generationEvent;
                _next++;
                _finished = generationEvent is GenerationCompleted or GenerationFailed;
                readers = _readers;
            }
            foreach (var reader in readers)
                reader.Ring();
            return _finished;
        }

        public Reader Subscribe(int? afterIndex)
        {
            lock (_gate)
            {
                // Chunk i sits at position i + 1, right after the start event.
                var position = afterIndex is { } after ? Math.Max(1, (long)after + 2) : 0;
                if (position > 0 && position < Oldest())
                    throw new GenerationStreamException(GenerationErrorCodes.ReplayUnavailable,
                        "The events after this index are no longer kept; the generation's message holds the whole reply.");
                var reader = new Reader(this, position);
                _readers = [.. _readers, reader];
                return reader;
            }
        }

        private long Oldest() => Math.Max(1, _next - _ring.Length);

        /// <summary>Doubles the ring (up to the capacity), keeping every event at its position.</summary>
        private void Grow()
        {
            var larger = new GenerationEvent[Math.Min(capacity, _ring.Length * 2)];
            for (var position = Oldest(); position < _next; position++)
                larger[position % larger.Length] = _ring[position % _ring.Length];
            _ring = larger;
        }

        private bool TryRead(ref long position, out GenerationEvent generationEvent)
        {
            lock (_gate)
            {
                if (position == 0)
                {
                    position = 1;
                    generationEvent = Started;
                    return true;
                }
                if (position < Oldest())
                    throw new GenerationStreamException(GenerationErrorCodes.FellBehind,
                        "This viewer fell too far behind the generation; resume with `after` the last index it received.");
                if (position >= _next)
                {
                    generationEvent = null!;
                    return false;
                }
                generationEvent = _ring[position % _ring.Length];
                position++;
                return true;
            }
        }

        private void Unsubscribe(Reader reader)
        {
            lock (_gate)
                _readers = [.. _readers.Where(r => r != reader)];
        }

        public sealed class Reader(GenerationLog log, long position) : IDisposable
        {
            // Capacity 1 and drop-on-full: a ring only says "look again", however many events arrived meanwhile.
            private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
                new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = false });
            private long _position = position;

            public bool TryRead(out GenerationEvent generationEvent) => log.TryRead(ref _position, out generationEvent);

            public async ValueTask WaitAsync(CancellationToken cancellationToken)
            {
                await _doorbell.Reader.WaitToReadAsync(cancellationToken);
                _doorbell.Reader.TryRead(out _);
            }

            public void Ring() => _doorbell.Writer.TryWrite(true);

            public void Dispose() => log.Unsubscribe(this);
        }
    }
}
