using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Limits;

/// <summary>
/// The limits shared by every instance on one Redis, each check and count one atomic script. Time is the instances'
/// own clock, not Redis's, so the limits count like the in-memory ones and tests can move time; instances whose
/// clocks differ by a fraction of a second only shift a window's edge by as much.
/// </summary>
/// <remarks>
/// While Redis is unreachable generations go through unlimited (and a warning is logged): an outage of the counter
/// store must not become an outage of the platform.
/// </remarks>
public sealed partial class RedisGenerationRateLimiter(
    RedisConnection redis, IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<RedisGenerationRateLimiter> logger)
    : IGenerationRateLimiter
{
    // Longest a limit may hold up a generation, on top of the connection's own timeouts.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    // The daily key outlives its day a little, so a clock slightly behind still finds it.
    private static readonly TimeSpan DayKeyGrace = TimeSpan.FromMinutes(5);

    public async ValueTask<RateLimitRefusal?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var limits = options.Value;
        if (!limits.LimitsAnything)
            return null;
        var now = clock.GetUtcNow();
        var keys = Keys(limits, partitionKey, now);
        var result = await EvaluateAsync(RedisRateLimitScripts.Acquire,
            [keys.Requests, keys.Tokens, keys.Today],
            [now.ToUnixTimeMilliseconds(), limits.RequestsPerMinute, limits.TokensPerMinute, limits.TokensPerDay],
            cancellationToken);
        if (result is null)
            return null;
        var waits = (long[])result!;
        return RateLimitWindows.Refusal(limits, now, Wait(waits[0]), Wait(waits[1]), dayBudgetSpent: waits[2] == 1);
    }

    public async ValueTask RecordTokensAsync(string partitionKey, int tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var limits = options.Value;
        if (!limits.LimitsTokens || tokens <= 0)
            return;
        var now = clock.GetUtcNow();
        var keys = Keys(limits, partitionKey, now);
        var todayKeyLifetime = RateLimitWindows.UntilNextDay(now) + DayKeyGrace;
        await EvaluateAsync(RedisRateLimitScripts.Record,
            [keys.Tokens, keys.Today],
            [now.ToUnixTimeMilliseconds(), tokens, (long)todayKeyLifetime.TotalMilliseconds],
            cancellationToken);
    }

    /// <summary>Runs a script; null when Redis could not be asked (logged).</summary>
    private async Task<RedisResult?> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            var multiplexer = await redis.GetAsync(timeout.Token);
            // While the connection is down a command would wait in its backlog until it times out: let the
            // generation through at once instead.
            if (!multiplexer.IsConnected)
            {
                Log.NotConnected(logger);
                return null;
            }
            return await multiplexer.GetDatabase().ScriptEvaluateAsync(script, keys, values).WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.Unavailable(logger, e.GetType().Name, e.Message);
            return null;
        }
    }

    private static TimeSpan? Wait(long milliseconds) => milliseconds > 0 ? TimeSpan.FromMilliseconds(milliseconds) : null;

    // One hash tag per caller: a Redis cluster keeps a caller's keys on one node, as a script needs.
    private static (RedisKey Requests, RedisKey Tokens, RedisKey Today) Keys(RateLimitOptions limits, string partitionKey, DateTimeOffset now)
    {
        var caller = $"{limits.RedisKeyPrefix}{{{partitionKey}}}:";
        return (caller + "requests", caller + "tokens", caller + "day:" + RateLimitWindows.DayOf(now).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
