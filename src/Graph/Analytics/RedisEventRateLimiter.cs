using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// The event limit shared by every instance: one Redis counter per caller per minute (INCR, expiring after the
/// minute). Time is the instance's clock, as for the generation limits. While Redis cannot be reached events go
/// through unlimited (logged): losing the counters must not lose the events.
/// </summary>
public sealed partial class RedisEventRateLimiter(
    RedisConnection redis, IOptions<AnalyticsEventOptions> options, TimeProvider clock, ILogger<RedisEventRateLimiter> logger) : IEventRateLimiter
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    // The counter outlives its minute a little, so an instance whose clock is slightly behind still finds it.
    private static readonly TimeSpan KeyGrace = TimeSpan.FromSeconds(30);

    // INCR and the expiry in one step, so a counter never stays without one.
    private const string Increment = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    public async ValueTask<TimeSpan?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var settings = options.Value;
        if (settings.RequestsPerMinute == 0)
            return null;
        var now = clock.GetUtcNow();
        var untilNext = EventRateWindow.UntilNextMinute(now);
        RedisKey key = $"{settings.RedisKeyPrefix}{partitionKey}:{EventRateWindow.MinuteOf(now)}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            var multiplexer = await redis.GetAsync(timeout.Token);
            if (!multiplexer.IsConnected)
            {
                Log.Unavailable(logger, "not connected");
                return null;
            }
            var count = (long)await multiplexer.GetDatabase()
                .ScriptEvaluateAsync(Increment, [key], [(long)(untilNext + KeyGrace).TotalMilliseconds]).WaitAsync(timeout.Token);
            return count > settings.RequestsPerMinute ? untilNext : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.Unavailable(logger, e.Message);
            return null;
        }
    }
}
