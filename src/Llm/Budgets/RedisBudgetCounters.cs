using System.Globalization;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// The counts shared by every instance on one Redis. Periods are the instances' own clock's, like the rate limits.
/// </summary>
/// <remarks>
/// While Redis is unreachable generations go through unchecked and their spend is not counted (a warning is logged);
/// the database still has it, and a period's count that Redis lost starts again from there.
/// </remarks>
public sealed partial class RedisBudgetCounters(
    RedisConnection redis, BudgetReader reader, IOptionsMonitor<BudgetOptions> options, TimeProvider clock, ILogger<RedisBudgetCounters> logger)
    : IBudgetCounters
{
    /// <summary>Costs are counted in whole hundred-millionths, the database's precision: Redis adds integers exactly.</summary>
    public const decimal CostUnit = 0.00000001m;

    // Longest a budget may hold up a generation, on top of the connection's own timeouts.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    // A period's key outlives it a little, so a clock slightly behind still finds it.
    private static readonly TimeSpan KeyGrace = TimeSpan.FromMinutes(5);

    public async ValueTask<PeriodSpend?> AddAsync(Guid userId, BudgetWindow window, Spend spent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var user = $"{options.CurrentValue.RedisKeyPrefix}{{user:{userId:N}}}:";
        RedisKey[] keys = [user + "day:" + Stamp(window.DayStart), user + "month:" + Stamp(window.MonthStart)];
        RedisValue tokens = spent.Tokens, cost = Units(spent.Cost);
        var counted = await EvaluateAsync(RedisBudgetScripts.AddIfCounted, keys, [tokens, cost], cancellationToken);
        if (counted is { IsNull: false })
            return Totals(counted);
        if (counted is null)
            return null;
        var seed = (await reader.SpendAsync([userId], window, cancellationToken))[userId];
        var now = clock.GetUtcNow();
        var started = await EvaluateAsync(RedisBudgetScripts.StartAndAdd, keys,
            [seed.Day.Tokens, Units(seed.Day.Cost), seed.Month.Tokens, Units(seed.Month.Cost), tokens, cost,
             Milliseconds(window.DayEnd - now), Milliseconds(window.MonthEnd - now)],
            cancellationToken);
        return started is null ? null : Totals(started);
    }

    private static PeriodSpend Totals(RedisResult result)
    {
        var values = (long[])result!;
        return new(new Spend(values[0], values[1] * CostUnit), new Spend(values[2], values[3] * CostUnit));
    }

    private static long Units(decimal cost) => (long)decimal.Round(cost / CostUnit);

    private static long Milliseconds(TimeSpan untilEnd) => (long)(Max(untilEnd, TimeSpan.Zero) + KeyGrace).TotalMilliseconds;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Stamp(DateTimeOffset start) => start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a script; null when Redis could not be asked (logged).</summary>
    private async Task<RedisResult?> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            var multiplexer = await redis.GetAsync(timeout.Token);
            // While the connection is down a command would wait in its backlog until it times out: go on at once.
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3600, Level = LogLevel.Warning, Message = "Budgets are not enforced: Redis did not answer ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);

        [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Budgets are not enforced: Redis is not connected")]
        public static partial void NotConnected(ILogger logger);
    }
}
