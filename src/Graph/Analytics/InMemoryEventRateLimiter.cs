using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// The event limit of one instance. Only the current minute's counts are kept (a new minute starts from empty), and
/// at most <see cref="AnalyticsEventOptions.MaxTrackedCallers"/> of them: past that, new callers share one count.
/// </summary>
public sealed class InMemoryEventRateLimiter(IOptions<AnalyticsEventOptions> options, TimeProvider clock) : IEventRateLimiter
{
    private const string OverflowKey = "overflow";

    private readonly Lock _gate = new();
    private ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);
    private long _minute = -1;

    public ValueTask<TimeSpan?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var limit = options.Value.RequestsPerMinute;
        if (limit == 0)
            return ValueTask.FromResult<TimeSpan?>(null);
        var now = clock.GetUtcNow();
        var counts = CountsOf(EventRateWindow.MinuteOf(now));
        if (!counts.ContainsKey(partitionKey) && counts.Count >= options.Value.MaxTrackedCallers)
            partitionKey = OverflowKey;
        var count = counts.GetOrAdd(partitionKey, _ => new StrongBox());
        var refused = Interlocked.Increment(ref count.Value) > limit;
        return ValueTask.FromResult<TimeSpan?>(refused ? EventRateWindow.UntilNextMinute(now) : null);
    }

    private ConcurrentDictionary<string, StrongBox> CountsOf(long minute)
    {
        lock (_gate)
        {
            if (minute != _minute)
            {
                _minute = minute;
                _counts = new ConcurrentDictionary<string, StrongBox>(StringComparer.Ordinal);
            }
            return _counts;
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
