using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Budgets;

/// <summary>Checks and counts budgets: the user's budget from the database, their spend from the counters.</summary>
public sealed partial class GenerationBudget(
    BudgetReader reader, IBudgetCounters counters, IOptionsMonitor<BudgetOptions> options, TimeProvider clock, ILogger<GenerationBudget> logger)
    : IGenerationBudget
{
    // Counting runs before a generation's final event: it may delay that event this long at most.
    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(5);

    public async ValueTask<BudgetRefusal?> CheckAsync(Guid userId, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue;
        if (!configured.Enabled)
            return null;
        var budgets = await reader.BudgetsAsync([userId], cancellationToken);
        if (!budgets.TryGetValue(userId, out var budget))
            return null;
        var now = clock.GetUtcNow();
        var window = BudgetWindow.At(now, configured.FindZone());
        if (await counters.AddAsync(userId, window, default, cancellationToken) is not { } spent)
            return null;
        return Refusal(budget.Limits, spent, window, now);
    }

    public async ValueTask RecordAsync(Guid userId, Spend spent, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue;
        if (!configured.Enabled || (spent.Tokens <= 0 && spent.Cost <= 0))
            return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RecordTimeout);
        try
        {
            await counters.AddAsync(userId, BudgetWindow.At(clock.GetUtcNow(), configured.FindZone()), spent, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A count that could not start (its seed is read from the database, which may be away) is not lost: it never
            // started, so the next check starts it from the usage rows, this generation's included. Whatever fails here,
            // the generation must still be stored and end.
            LogNotCounted(logger, userId, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "The spend of a generation of user {UserId} was not counted now ({ExceptionType}); the count starts again from the usage rows")]
    private static partial void LogNotCounted(ILogger logger, Guid userId, string exceptionType);

    /// <summary>
    /// The refusal for the spent budgets, or null: the one that renews last, since nothing may start before every spent
    /// budget has renewed.
    /// </summary>
    public static BudgetRefusal? Refusal(BudgetLimits limits, PeriodSpend spent, BudgetWindow window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(window);
        BudgetRefusal? Spent(BudgetPeriod period, Spend spend, long? tokens, decimal? cost) =>
            spend.Tokens >= tokens || spend.Cost >= cost
                ? new BudgetRefusal(period, ByCost: !(spend.Tokens >= tokens), window.EndOf(period), window.EndOf(period) - now)
                : null;
        return Spent(BudgetPeriod.Month, spent.Month, limits.MonthlyTokens, limits.MonthlyCost)
            ?? Spent(BudgetPeriod.Day, spent.Day, limits.DailyTokens, limits.DailyCost);
    }
}
