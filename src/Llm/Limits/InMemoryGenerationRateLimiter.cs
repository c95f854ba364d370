using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Limits;

/// <summary>
/// The limits of one instance, in memory. Idle callers are forgotten by a sweep that the first call of each minute runs, and
/// <see cref="RateLimitOptions.MaxTrackedCallers"/> bounds how many are tracked at once.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting does not fit here: its limiters read the Stopwatch rather than a
/// <see cref="TimeProvider"/>, cannot count tokens after the fact (a lease is taken before the work, and a reply's
/// length is known only after it), and would count differently from the Redis limiter, which must enforce the same
/// limits to the second.
/// </remarks>
public sealed partial class InMemoryGenerationRateLimiter(
    IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<InMemoryGenerationRateLimiter> logger) : IGenerationRateLimiter
{
    // Callers past MaxTrackedCallers share this partition's limits until others go idle.
    private const string OverflowKey = "overflow";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private int _count;
    private int _overflowReported;

    public ValueTask<RateLimitRefusal?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var limits = options.Value;
        if (!limits.LimitsAnything)
            return ValueTask.FromResult<RateLimitRefusal?>(null);
        var now = clock.GetUtcNow();
        var refusal = Update(partitionKey, now, partition => partition.TryAcquire(limits, now));
        return ValueTask.FromResult(refusal);
    }

    public ValueTask RecordTokensAsync(string partitionKey, int tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (options.Value.LimitsTokens && tokens > 0)
        {
            var now = clock.GetUtcNow();
            Update<object?>(partitionKey, now, partition =>
            {
                partition.Record(tokens, now);
                return null;
            });
        }
        return ValueTask.CompletedTask;
    }

    private T Update<T>(string partitionKey, DateTimeOffset now, Func<Partition, T> update)
    {
        SweepIfDue(now);
        while (true)
        {
            var partition = Find(partitionKey);
            lock (partition.Gate)
            {
                // A sweep may have dropped it between the lookup and the lock; then it is looked up (or made) again.
                if (!partition.Dropped)
                    return update(partition);
            }
        }
    }

    private Partition Find(string partitionKey)
    {
        while (true)
        {
            if (_partitions.TryGetValue(partitionKey, out var partition))
                return partition;
            if (Volatile.Read(ref _count) >= options.Value.MaxTrackedCallers && partitionKey != OverflowKey)
            {
                // Once per sweep: a flood of new callers would otherwise flood the log too.
                if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
                    Log.Overflow(logger, options.Value.MaxTrackedCallers);
                partitionKey = OverflowKey;
                continue;
            }
            var created = new Partition();
            if (_partitions.TryAdd(partitionKey, created))
            {
                Interlocked.Increment(ref _count);
                return created;
            }
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        lock (_sweepGate)
        {
            if (now < _nextSweep)
                return;
            _nextSweep = now + SweepInterval;
        }
        foreach (var (key, partition) in _partitions)
        {
            lock (partition.Gate)
            {
                if (partition.IsIdle(now) && _partitions.TryRemove(new KeyValuePair<string, Partition>(key, partition)))
                {
                    partition.Dropped = true;
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        Volatile.Write(ref _overflowReported, 0);
    }

    /// <summary>One caller's counts. Its users hold <see cref="Gate"/>.</summary>
    private sealed class Partition
    {
        private readonly MinuteWindow _requests = new();
        private readonly MinuteWindow _tokens = new();
        private long _day;
        private long _dayTokens;

        public Lock Gate { get; } = new();

        public bool Dropped { get; set; }

        public RateLimitRefusal? TryAcquire(RateLimitOptions limits, DateTimeOffset now)
        {
            var requestsWait = limits.RequestsPerMinute > 0 ? _requests.WaitUntilBelow(limits.RequestsPerMinute, now) : null;
            var tokensWait = limits.TokensPerMinute > 0 ? _tokens.WaitUntilBelow(limits.TokensPerMinute, now) : null;
            var daySpent = limits.TokensPerDay > 0 && TokensToday(now) >= limits.TokensPerDay;
            var refusal = RateLimitWindows.Refusal(limits, now, requestsWait, tokensWait, daySpent);
            if (refusal is null && limits.RequestsPerMinute > 0)
                _requests.Add(RateLimitWindows.SecondOf(now), 1);
            return refusal;
        }

        public void Record(int tokens, DateTimeOffset now)
        {
            _tokens.Add(RateLimitWindows.SecondOf(now), tokens);
            _dayTokens = TokensToday(now) + tokens;
            _day = RateLimitWindows.DayOf(now);
        }

        public bool IsIdle(DateTimeOffset now)
        {
            var second = RateLimitWindows.SecondOf(now);
            return _requests.IsEmpty(second) && _tokens.IsEmpty(second) && TokensToday(now) == 0;
        }

        private long TokensToday(DateTimeOffset now) => _day == RateLimitWindows.DayOf(now) ? _dayTokens : 0;
    }
}
