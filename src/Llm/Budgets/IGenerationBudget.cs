namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// Per-user budgets on generations, per day and per month, in tokens and cost. Spend is counted as generations end,
/// so a generation admitted under the budget may overshoot it by its own size; the next one is refused.
/// </summary>
public interface IGenerationBudget
{
    /// <summary>Null when the user may start a generation; else which budget is spent and when it renews.</summary>
    ValueTask<BudgetRefusal?> CheckAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Counts what a finished generation spent (nothing for a cache hit).</summary>
    ValueTask RecordAsync(Guid userId, Spend spent, CancellationToken cancellationToken);
}
