using System.Globalization;

namespace LlmPlatform.Llm.Budgets;

/// <summary>A generation refused because the user spent their budget for a period, until <paramref name="ResetsAt"/>.</summary>
public sealed record BudgetRefusal(BudgetPeriod Period, bool ByCost, DateTimeOffset ResetsAt, TimeSpan RetryAfter)
{
    /// <summary>What happened, for a human.</summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"Your {(Period == BudgetPeriod.Day ? "daily" : "monthly")} {(ByCost ? "cost" : "token")} budget is spent; it renews at {ResetsAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
}
