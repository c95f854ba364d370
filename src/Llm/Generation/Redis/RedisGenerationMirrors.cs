using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// This instance's copies of generations that run on other instances, one per generation while any viewer here
/// watches it, fed from Redis by one read loop for all of them. Viewers are cursors over the mirror's log, as over a
/// local generation. A write to a stream rings its doorbell channel (subscribed to while mirrored); the loop then reads
/// every generation rung since its last read in one XREAD, and reads them all at the poll interval in case a doorbell
/// was lost. While Redis is unreachable viewers wait; past <see cref="GenerationStreamOptions.StreamUnavailableAfter"/>
/// their streams end with STREAM_UNAVAILABLE.
/// </summary>
internal sealed partial class RedisGenerationMirrors(
    RedisGenerationStore store, GenerationOptions generationOptions, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    // Entries per stream per read: a catching-up mirror reads page after page, each rung again at once.
    private const int EntriesPerRead = 64;
    // Streams per XREAD, so one command stays of bounded size however many generations are mirrored.
    private const int StreamsPerRead = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Mirror> _mirrors = [];
    private readonly HashSet<Guid> _rung = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private DateTimeOffset? _unreachableSince;

    /// <summary>The start event of a generation mirrored here, else null.</summary>
    public GenerationStarted? Find(Guid generationId)
    {
        lock (_gate)
            return _mirrors.GetValueOrDefault(generationId)?.Log.Started;
    }

    /// <summary>
    /// The mirror of the generation, made when none is here yet (one viewer more until <see cref="Release"/>); null when
    /// Redis holds no such generation. Throws STREAM_UNAVAILABLE when Redis stays unreachable.
    /// </summary>
    public async Task<Mirror?> AcquireAsync(Guid generationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_mirrors.TryGetValue(generationId, out var existing))
            {
                existing.Viewers++;
                return existing;
            }
        }
        var (started, entries) = await FetchBeginningAsync(generationId, cancellationToken);
        if (started is null)
            return null;
        // Filled before anyone else can see it, so outside the lock that every viewer's join takes.
        var mirror = new Mirror(new GenerationLog(started, generationOptions.ReplayBufferSize)) { Viewers = 1 };
        mirror.Apply(entries);
        lock (_gate)
        {
            if (_mirrors.TryGetValue(generationId, out var raced))
            {
                raced.Viewers++;
                return raced;
            }
            _mirrors.Add(generationId, mirror);
            _loop ??= Task.Run(RunAsync);
        }
        await SubscribeAsync(mirror);
        // Reads on at once: the first page may not have reached the end, and something may have been written meanwhile.
        Ring(generationId);
        return mirror;
    }

    /// <summary>One viewer fewer; the last one to leave ends the mirror.</summary>
    public void Release(Mirror mirror)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        var id = mirror.Log.Started.GenerationId;
        lock (_gate)
        {
            if (--mirror.Viewers > 0 || !_mirrors.TryGetValue(id, out var current) || current != mirror)
                return;
            _mirrors.Remove(id);
            _rung.Remove(id);
        }
        _ = UnsubscribeAsync(mirror);
    }

    private async Task<(GenerationStarted? Started, StreamEntry[] Entries)> FetchBeginningAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var keys = store.Keys;
        var giveUpAt = clock.GetUtcNow() + store.Options.StreamUnavailableAfter;
        while (true)
        {
            try
            {
                var database = await store.DatabaseAsync(cancellationToken);
                var batch = database.CreateBatch();
                var start = batch.StringGetAsync(keys.Start(generationId));
                var entries = batch.StreamRangeAsync(keys.Events(generationId), "-", "+", EntriesPerRead);
                batch.Execute();
                await store.BoundedAsync(Task.WhenAll(start, entries), cancellationToken);
                return (GenerationStreamEntry.DecodeStarted(start.Result), entries.Result);
            }
            catch (Exception e) when (RedisGenerationStore.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                if (now >= giveUpAt)
                    throw RedisGenerationStore.Unavailable();
                Log.Unavailable(logger, e.GetType().Name, e.Message);
                await Task.Delay(Min(store.Options.StreamPollInterval, giveUpAt - now), clock, cancellationToken);
            }
        }
    }

    private void Ring(Guid generationId)
    {
        lock (_gate)
            _rung.Add(generationId);
        _wake.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            var rung = await WaitAsync(stopping);
            if (stopping.IsCancellationRequested)
                return;
            List<Mirror> targets;
            lock (_gate)
            {
                targets = rung
                    ? [.. _rung.Select(id => _mirrors.GetValueOrDefault(id)).OfType<Mirror>().Where(m => !m.Log.IsFinished)]
                    : [.. _mirrors.Values.Where(m => !m.Log.IsFinished)];
                _rung.Clear();
            }
            if (targets.Count == 0)
                continue;
            try
            {
                await ReadAsync(targets, checkExpiry: !rung, stopping);
                _unreachableSince = null;
            }
            catch (Exception e) when (RedisGenerationStore.IsUnavailable(e) || (e is OperationCanceledException && !stopping.IsCancellationRequested))
            {
                var now = clock.GetUtcNow();
                if (_unreachableSince is null)
                    Log.Unavailable(logger, e.GetType().Name, e.Message);
                _unreachableSince ??= now;
                if (now - _unreachableSince >= store.Options.StreamUnavailableAfter)
                    FaultAll(RedisGenerationStore.Unavailable());
            }
        }
    }

    /// <summary>Waits for a doorbell (true) or the poll interval (false).</summary>
    private async Task<bool> WaitAsync(CancellationToken stopping)
    {
        // After a failure, no faster than the poll interval: the doorbells are silent while Redis is away anyway.
        if (_unreachableSince is null && _wake.Reader.TryRead(out _))
            return true;
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        poll.CancelAfter(store.Options.StreamPollInterval);
        try
        {
            if (_unreachableSince is not null)
            {
                await Task.Delay(Timeout.Infinite, poll.Token);
            }
            await _wake.Reader.WaitToReadAsync(poll.Token);
            _wake.Reader.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReadAsync(List<Mirror> targets, bool checkExpiry, CancellationToken stopping)
    {
        var keys = store.Keys;
        var database = await store.DatabaseAsync(stopping);
        var quiet = new List<Mirror>();
        foreach (var group in targets.Chunk(StreamsPerRead))
        {
            var byKey = group.ToDictionary(m => (string)keys.Events(m.Log.Started.GenerationId)!);
            var positions = group.Select(m => new StreamPosition(keys.Events(m.Log.Started.GenerationId), m.LastId)).ToArray();
            var streams = await store.BoundedAsync(database.StreamReadAsync(positions, EntriesPerRead), stopping);
            var heard = new HashSet<Mirror>();
            foreach (var stream in streams)
            {
                if (!byKey.TryGetValue((string)stream.Key!, out var mirror) || stream.Entries.Length == 0)
                    continue;
                heard.Add(mirror);
                mirror.Apply(stream.Entries);
                if (stream.Entries.Length == EntriesPerRead)
                    Ring(mirror.Log.Started.GenerationId);
            }
            quiet.AddRange(group.Where(m => !heard.Contains(m)));
        }
        if (checkExpiry && quiet.Count > 0)
            await FaultExpiredAsync(database, quiet, stopping);
    }

    /// <summary>
    /// A quiet generation whose keys expired (its instance died and nobody ended it) ends with NOT_FOUND, once its start
    /// has been missing for <see cref="GenerationStreamOptions.StreamUnavailableAfter"/>: a Redis that restarted without
    /// its data gets it back with the generation's next write.
    /// </summary>
    private async Task FaultExpiredAsync(IDatabase database, List<Mirror> quiet, CancellationToken stopping)
    {
        var batch = database.CreateBatch();
        var exists = quiet.Select(m => batch.KeyExistsAsync(store.Keys.Start(m.Log.Started.GenerationId))).ToArray();
        batch.Execute();
        await store.BoundedAsync(Task.WhenAll(exists), stopping);
        var now = clock.GetUtcNow();
        for (var i = 0; i < quiet.Count; i++)
        {
            var mirror = quiet[i];
            if (exists[i].Result)
                mirror.MissingSince = null;
            else if ((mirror.MissingSince ??= now) <= now - store.Options.StreamUnavailableAfter)
                mirror.Log.Fault(LocalGenerationLogs.NotFound());
        }
    }

    private void FaultAll(GenerationStreamException fault)
    {
        List<Mirror> all;
        lock (_gate)
        {
            // Forgotten here, so a viewer who comes later starts afresh instead of inheriting the error.
            all = [.. _mirrors.Values];
            _mirrors.Clear();
            _rung.Clear();
        }
        foreach (var mirror in all)
        {
            mirror.Log.Fault(fault);
            _ = UnsubscribeAsync(mirror);
        }
    }

    private async Task SubscribeAsync(Mirror mirror)
    {
        var id = mirror.Log.Started.GenerationId;
        mirror.Doorbell = (_, _) => Ring(id);
        try
        {
            var multiplexer = await store.ConnectedAsync(CancellationToken.None);
            await store.BoundedAsync(multiplexer.GetSubscriber().SubscribeAsync(store.Keys.Doorbell(id), mirror.Doorbell), CancellationToken.None);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            // The poll still reads it.
            Log.Unavailable(logger, e.GetType().Name, e.Message);
        }
    }

    private async Task UnsubscribeAsync(Mirror mirror)
    {
        if (mirror.Doorbell is not { } doorbell)
            return;
        try
        {
            var multiplexer = await store.ConnectedAsync(CancellationToken.None);
            await store.BoundedAsync(multiplexer.GetSubscriber().UnsubscribeAsync(store.Keys.Doorbell(mirror.Log.Started.GenerationId), doorbell), CancellationToken.None);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            Log.Unavailable(logger, e.GetType().Name, e.Message);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is { } loop)
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    /// <summary>One mirrored generation: its log, how far it was read, and how many viewers here watch it.</summary>
    internal sealed class Mirror(GenerationLog log)
    {
        public GenerationLog Log { get; } = log;

        /// <summary>Id of the last entry read; the next read asks for what came after it.</summary>
        public RedisValue LastId { get; private set; } = "0-0";

        public int Viewers { get; set; }

        public Action<RedisChannel, RedisValue>? Doorbell { get; set; }

        /// <summary>Since when Redis has not held the generation's start, if it does not now.</summary>
        public DateTimeOffset? MissingSince { get; set; }

        /// <summary>
        /// Appends the entries' events that come next. Skips what it holds already (a retried write may repeat some);
        /// a jump in positions means events were lost, and viewers that needed them get REPLAY_UNAVAILABLE.
        /// </summary>
        public void Apply(StreamEntry[] entries)
        {
            foreach (var entry in entries)
            {
                LastId = entry.Id;
                if (Log.IsFinished)
                    continue;
                var (first, events) = GenerationStreamEntry.Decode(Log.Started.GenerationId, entry);
                if (first > Log.Next)
                    Log.SkipTo(first);
                for (var i = 0; i < events.Count; i++)
                {
                    if (first + i >= Log.Next && Log.Append(events[i]))
                        break;
                }
            }
        }
    }
}
