using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// Copies the logs of the generations this instance runs to Redis, one loop per instance. A generation only appends
/// to its local log; each flush then carries every event that is ready, of every generation, in one pipeline (one entry
/// per generation, its doorbell rung in the same pipeline), so a fast stream costs a write per round trip, not per
/// token. While Redis is away the loop retries and catches up from each log's cursor once it is back.
/// </summary>
internal sealed partial class RedisGenerationPublisher(
    RedisGenerationStore store, GenerationOptions generationOptions, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, Outbox> _outboxes = new();
    private readonly ConcurrentQueue<Outbox> _ready = new();
    // Capacity 1 and drop-on-full: a ring only says "look again", however many events arrived meanwhile.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private Task? _loop;

    /// <summary>Starts copying a generation that was just opened here.</summary>
    public void Track(GenerationLog log)
    {
        var outbox = new Outbox(log);
        _outboxes[log.Started.GenerationId] = outbox;
        MarkReady(outbox);
    }

    /// <summary>The generation's log has new events.</summary>
    public void Notify(Guid generationId)
    {
        if (_outboxes.TryGetValue(generationId, out var outbox))
            MarkReady(outbox);
    }

    private void MarkReady(Outbox outbox)
    {
        if (outbox.Done)
            return;
        if (Interlocked.Exchange(ref outbox.Queued, 1) == 0)
            _ready.Enqueue(outbox);
        _wake.Writer.TryWrite(true);
        if (_loop is null)
            Start();
    }

    private void Start()
    {
        lock (_startGate)
            _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var retryDelay = FirstRetryDelay;
        var work = new List<Outbox>();
        while (true)
        {
            try
            {
                await _wake.Reader.WaitToReadAsync(_stopping.Token);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException)
            {
                // Stopping: one last flush of what is ready, so the final events of a shutdown reach the other instances.
            }
            work.Clear();
            while (_ready.TryDequeue(out var outbox))
            {
                Volatile.Write(ref outbox.Queued, 0);
                work.Add(outbox);
            }
            var failed = work.Count == 0 ? [] : await FlushAsync(work, logFailure: retryDelay == FirstRetryDelay);
            if (_stopping.IsCancellationRequested)
            {
                // What became ready during that flush gets one too; a failure ends it (the wait is bounded).
                if (failed.Count == 0 && !_ready.IsEmpty)
                    continue;
                return;
            }
            if (failed.Count == 0)
            {
                retryDelay = FirstRetryDelay;
                continue;
            }
            foreach (var outbox in failed)
                MarkReady(outbox);
            try
            {
                await Task.Delay(retryDelay, clock, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
            }
            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, LastRetryDelay.Ticks));
        }
    }

    /// <summary>Writes what each outbox has ready in one pipeline; returns those whose write must be tried again.</summary>
    private async Task<List<Outbox>> FlushAsync(List<Outbox> work, bool logFailure)
    {
        var now = clock.GetUtcNow();
        work.RemoveAll(outbox => outbox.Done || GiveUp(outbox, now));
        IDatabase database;
        try
        {
            database = await store.DatabaseAsync(CancellationToken.None);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            if (logFailure)
                Log.Unavailable(logger, e.GetType().Name, e.Message);
            return Failed(work, now);
        }
        var keys = store.Keys;
        var options = store.Options;
        var batch = database.CreateBatch();
        var writes = new List<Write>(work.Count);
        var calls = new List<Task>();
        foreach (var outbox in work)
        {
            var id = outbox.Log.Started.GenerationId;
            var events = new List<GenerationEvent>();
            var first = outbox.Log.CopyFrom(outbox.Cursor, options.StreamBatchSize, events);
            if (first > outbox.Cursor)
                // The local log no longer holds them: the jump in positions tells remote viewers that events are missing.
                Log.EventsLost(logger, id, outbox.Cursor, first - 1);
            var final = events.Count > 0 && GenerationLog.IsFinal(events[^1]);
            var lifetime = final ? generationOptions.RetainFinishedFor : options.RunningStreamTtl;
            // Written again with every write of events, which also renews its lifetime: a Redis that restarted without
            // its data still learns what the generation is from the next flush.
            Task<bool>? start = null;
            if (events.Count > 0 || !outbox.StartWritten)
            {
                start = batch.StringSetAsync(keys.Start(id), GenerationStreamEntry.EncodeStarted(outbox.Log.Started), lifetime);
                calls.Add(start);
            }
            Task<RedisValue>? add = null;
            var last = first + events.Count - 1;
            if (events.Count > 0)
            {
                add = batch.StreamAddAsync(keys.Events(id), GenerationStreamEntry.Encode(first, events), GenerationStreamEntry.Id(last));
                calls.Add(add);
                if (last >= generationOptions.ReplayBufferSize)
                    calls.Add(batch.StreamTrimByMinIdAsync(keys.Events(id), GenerationStreamEntry.Id(last - generationOptions.ReplayBufferSize + 1)));
                calls.Add(batch.KeyExpireAsync(keys.Events(id), lifetime));
            }
            calls.Add(batch.PublishAsync(keys.Doorbell(id), RedisValue.EmptyString));
            writes.Add(new Write(outbox, start, add, last, final, events.Count == options.StreamBatchSize));
        }
        batch.Execute();
        try
        {
            await store.BoundedAsync(Task.WhenAll(calls), CancellationToken.None);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            // Looked at one by one below: what landed is not written again.
            if (logFailure)
                Log.Unavailable(logger, e.GetType().Name, e.Message);
        }
        foreach (var call in calls)
            _ = call.ContinueWith(static c => _ = c.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);

        var failed = new List<Outbox>();
        foreach (var write in writes)
        {
            var outbox = write.Outbox;
            if (!Landed(write.Start) || !Landed(write.Add))
            {
                failed.Add(outbox);
                continue;
            }
            outbox.StartWritten = true;
            outbox.FailingSince = null;
            if (write.Add is not null)
                outbox.Cursor = write.Last + 1;
            if (write.Final)
                Forget(outbox);
            else if (write.MayHaveMore)
                MarkReady(outbox);
        }
        return Failed(failed, now);
    }

    private static List<Outbox> Failed(List<Outbox> outboxes, DateTimeOffset now)
    {
        foreach (var outbox in outboxes)
            outbox.FailingSince ??= now;
        return outboxes;
    }

    /// <summary>
    /// A finished generation that Redis could not take for longer than it would have kept it is let go, so an outage
    /// cannot pile up finished logs; a running one is kept (its log is bounded, and it is still being watched).
    /// </summary>
    private bool GiveUp(Outbox outbox, DateTimeOffset now)
    {
        if (!outbox.Log.IsFinished || outbox.FailingSince is not { } since || now - since <= generationOptions.RetainFinishedFor)
            return false;
        Log.GaveUp(logger, outbox.Log.Started.GenerationId);
        Forget(outbox);
        return true;
    }

    private void Forget(Outbox outbox)
    {
        outbox.Done = true;
        _outboxes.TryRemove(outbox.Log.Started.GenerationId, out _);
    }

    /// <summary>
    /// True when the call succeeded, or when it was a retried entry that Redis already holds (it refuses an id that is
    /// not above the stream's last one).
    /// </summary>
    private static bool Landed(Task? call) => call is null || call.IsCompletedSuccessfully
        || (call.IsFaulted && call.Exception?.InnerException is RedisServerException e
            && e.Message.Contains("equal or smaller", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        var loop = _loop;
        if (loop is not null)
        {
            // Bounded: one last flush, which gives up after the command timeout when Redis is away.
            await loop.WaitAsync(store.Options.RedisCommandTimeout * 2).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        _stopping.Dispose();
    }

    private sealed class Outbox(GenerationLog log)
    {
        public GenerationLog Log { get; } = log;

        /// <summary>Position of the next event to write.</summary>
        public long Cursor { get; set; } = 1;

        public bool StartWritten { get; set; }

        /// <summary>Since when its writes fail, if they do.</summary>
        public DateTimeOffset? FailingSince { get; set; }

        /// <summary>Everything, final event included, is in Redis (or was given up).</summary>
        public bool Done { get; set; }

        /// <summary>1 while the outbox waits in the ready queue, so it is queued once however many events arrive.</summary>
        public int Queued;
    }

    private sealed record Write(Outbox Outbox, Task<bool>? Start, Task<RedisValue>? Add, long Last, bool Final, bool MayHaveMore);
}
