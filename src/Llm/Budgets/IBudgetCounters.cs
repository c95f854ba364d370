namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// What each user spent in the current day and month, counted as generations end. A period's count starts from the
/// user's usage rows in the database the first time it is needed, so a restart (or a lost Redis key) forgets nothing.
/// </summary>
public interface IBudgetCounters
{
    /// <summary>
    /// Adds <paramref name="spent"/> (zero to only read) to the user's day and month of <paramref name="window"/> and
    /// returns their totals; null when the counts cannot be reached (the budgets then do not hold).
    /// </summary>
    ValueTask<PeriodSpend?> AddAsync(Guid userId, BudgetWindow window, Spend spent, CancellationToken cancellationToken);
}
