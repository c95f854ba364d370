using LlmPlatform.Llm.Budgets;

namespace LlmPlatform.Graph.Budgets;

/// <summary>One user's spend in the current day and month, and their budget (null when nothing limits them).</summary>
public sealed record BudgetStatus(Guid UserId, UserBudgetLimits? Budget, PeriodSpend Spent, BudgetWindow Window, DateTimeOffset Now)
{
    public SpendView SpendOf(BudgetPeriod period) =>
        new(period == BudgetPeriod.Day ? Spent.Day : Spent.Month, Window.StartOf(period), Window.EndOf(period));

    /// <summary>When a spent budget renews and generations may start again; null while none is spent.</summary>
    public DateTimeOffset? ResetsAt => Budget is null ? null : GenerationBudget.Refusal(Budget.Limits, Spent, Window, Now)?.ResetsAt;

    public BudgetLimits Remaining => Budget is not { Limits: var limits } ? new BudgetLimits() : new BudgetLimits
    {
        DailyTokens = Left(limits.DailyTokens, Spent.Day.Tokens),
        MonthlyTokens = Left(limits.MonthlyTokens, Spent.Month.Tokens),
        DailyCost = Left(limits.DailyCost, Spent.Day.Cost),
        MonthlyCost = Left(limits.MonthlyCost, Spent.Month.Cost),
    };

    private static T? Left<T>(T? limit, T spent) where T : struct, System.Numerics.INumber<T> =>
        limit is { } l ? T.Max(l - spent, T.Zero) : null;
}

/// <summary>What a user spent in one period, and the period's bounds.</summary>
public sealed record SpendView(Spend Spend, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd);
