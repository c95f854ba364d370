using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// One generation's events at absolute positions 0, 1, 2…: position 0 is the start event, chunk i sits at i + 1, the
/// final event after the last chunk. The newest <c>capacity</c> events are kept in a ring; the start event is kept
/// apart, so a late viewer of a long generation still gets it. Each viewer is a cursor over the log, so a slow one never
/// holds up the writer or the others.
/// </summary>
/// <remarks>
/// Serves as the generating instance's own log and, with Redis, as an instance's mirror of a generation running
/// elsewhere, which may begin later than position 1 (<see cref="SkipTo"/>) and may end with an error (<see cref="Fault"/>).
/// </remarks>
internal sealed class GenerationLog(GenerationStarted started, int capacity)
{
    private const int InitialRingSize = 256;

    private readonly Lock _gate = new();
    // Most replies are short: start small and double up to the configured capacity as the reply grows.
    private GenerationEvent[] _ring = new GenerationEvent[Math.Min(capacity, InitialRingSize)];
    private Reader[] _readers = [];
    private long _next = 1;         // position of the next event; 0 is `started`
    private long _missingBefore = 1; // positions below it were never held here (a mirror that began late, or lost events)
    private bool _finished;
    private GenerationStreamException? _fault;

    public GenerationStarted Started { get; } = started;

    /// <summary>Position the next event takes.</summary>
    public long Next
    {
        get { lock (_gate) return _next; }
    }

    public bool IsFinished
    {
        get { lock (_gate) return _finished || _fault is not null; }
    }

    /// <summary>Appends an event at <see cref="Next"/>; true when it is the final one.</summary>
    public bool Append(GenerationEvent generationEvent)
    {
        Reader[] readers;
        lock (_gate)
        {
            if (_finished)
                throw new InvalidOperationException("The generation has already finished.");
            if (_next - _missingBefore >= _ring.Length && _ring.Length < capacity)
                Grow();
            _ring[_next % _ring.Length] = generationEvent;
            _next++;
            _finished = IsFinal(generationEvent);
            readers = _readers;
        }
        RingAll(readers);
        return _finished;
    }

    /// <summary>
    /// Appends the final event unless the log already has one (an orphaned generation ended by another party); true
    /// when it was appended.
    /// </summary>
    public bool TryFinish(GenerationEvent final)
    {
        lock (_gate)
        {
            if (_finished || _fault is not null)
                return false;
            Append(final);
            return true;
        }
    }

    /// <summary>The events before <paramref name="position"/> will never arrive: readers that still need them get an error.</summary>
    public void SkipTo(long position)
    {
        Reader[] readers;
        lock (_gate)
        {
            if (position <= _next)
                return;
            _next = position;
            _missingBefore = position;
            readers = _readers;
        }
        RingAll(readers);
    }

    /// <summary>Ends the log with an error: readers get the events already held, then <paramref name="fault"/>.</summary>
    public void Fault(GenerationStreamException fault)
    {
        Reader[] readers;
        lock (_gate)
        {
            if (_finished)
                return;
            _fault ??= fault;
            readers = _readers;
        }
        RingAll(readers);
    }

    /// <summary>
    /// Copies up to <paramref name="max"/> events from <paramref name="from"/> on (or from the oldest still held, when it
    /// is later) into <paramref name="into"/>; returns the position of the first one copied.
    /// </summary>
    public long CopyFrom(long from, int max, List<GenerationEvent> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            var first = Math.Max(from, Oldest());
            for (var position = first; position < _next && into.Count < max; position++)
                into.Add(_ring[position % _ring.Length]);
            return first;
        }
    }

    /// <summary>The chunks after <paramref name="afterIndex"/> (-1: all), or null when some of them are no longer held.</summary>
    public IReadOnlyList<TokenChunk>? Retained(int afterIndex)
    {
        var position = Math.Max(1, (long)afterIndex + 2);
        var events = new List<GenerationEvent>();
        if (CopyFrom(position, int.MaxValue, events) > position)
            return null;
        return events.OfType<TokenChunk>().ToList();
    }

    /// <summary>
    /// The events from the start when <paramref name="afterIndex"/> is null, else the chunks after that index, and the
    /// final event; ends after the final event.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> ReadAsync(int? afterIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = Subscribe(afterIndex);
        while (true)
        {
            while (reader.TryRead(out var next))
            {
                yield return next;
                if (IsFinal(next))
                    yield break;
            }
            await reader.WaitAsync(cancellationToken);
        }
    }

    public static bool IsFinal(GenerationEvent generationEvent) => generationEvent is GenerationCompleted or GenerationFailed;

    private Reader Subscribe(int? afterIndex)
    {
        lock (_gate)
        {
            // Chunk i sits at position i + 1, right after the start event.
            var position = afterIndex is { } after ? Math.Max(1, (long)after + 2) : 0;
            if (position > 0 && position < Oldest())
                throw ReplayUnavailable();
            var reader = new Reader(this, position);
            _readers = [.. _readers, reader];
            return reader;
        }
    }

    private static GenerationStreamException ReplayUnavailable() => new(GenerationErrorCodes.ReplayUnavailable,
        "The events after this index are no longer kept; the generation's message holds the whole reply.");

    private long Oldest() => Math.Max(_missingBefore, _next - _ring.Length);

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
            {
                throw position < _missingBefore
                    ? ReplayUnavailable()
                    : new GenerationStreamException(GenerationErrorCodes.FellBehind,
                        "This viewer fell too far behind the generation; resume with `after` the last index it received.");
            }
            if (position >= _next)
            {
                if (_fault is not null)
                    throw _fault;
                generationEvent = null!;
                return false;
            }
            generationEvent = _ring[position % _ring.Length];
            position++;
            return true;
        }
    }

    private static void RingAll(Reader[] readers)
    {
        foreach (var reader in readers)
            reader.Ring();
    }

    private void Unsubscribe(Reader reader)
    {
        lock (_gate)
            _readers = [.. _readers.Where(r => r != reader)];
    }

    private sealed class Reader(GenerationLog log, long position) : IDisposable
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
