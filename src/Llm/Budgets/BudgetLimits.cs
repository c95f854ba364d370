namespace LlmPlatform.Llm.Budgets;

/// <summary>The most a user may spend in a day and in a month; a null limit is no limit.</summary>
public sealed record BudgetLimits
{
    public long? DailyTokens { get; init; }
    public long? MonthlyTokens { get; init; }
    public decimal? DailyCost { get; init; }
    public decimal? MonthlyCost { get; init; }

    /// <summary>True when at least one limit is set.</summary>
    public bool LimitsAnything => DailyTokens is not null || MonthlyTokens is not null || DailyCost is not null || MonthlyCost is not null;

    /// <summary>Each limit at its most generous among <paramref name="budgets"/> (no limit beats any).</summary>
    public static BudgetLimits MostGenerous(IReadOnlyCollection<BudgetLimits> budgets) => new()
    {
        DailyTokens = Largest(budgets, b => b.DailyTokens),
        MonthlyTokens = Largest(budgets, b => b.MonthlyTokens),
        DailyCost = Largest(budgets, b => b.DailyCost),
        MonthlyCost = Largest(budgets, b => b.MonthlyCost),
    };

    private static T? Largest<T>(IReadOnlyCollection<BudgetLimits> budgets, Func<BudgetLimits, T?> limit) where T : struct, IComparable<T> =>
        budgets.Count == 0 || budgets.Any(b => limit(b) is null) ? null : budgets.Select(b => limit(b)!.Value).Max();
}

/// <summary>Where a user's budget comes from.</summary>
public enum BudgetSource
{
    /// <summary>The configured budgets of the user's roles.</summary>
    Role,

    /// <summary>The user's own budget, set by an admin; it replaces the roles' budgets as a whole.</summary>
    User,
}

/// <summary>A user's budget and where it comes from.</summary>
public sealed record UserBudgetLimits(BudgetLimits Limits, BudgetSource Source);
