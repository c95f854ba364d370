using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Budgets;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Budgets;

/// <summary>
/// The budget and spend of users the caller may see (themselves; anyone for an admin): a few statements for a whole
/// batch of users, whichever of their fields are asked for.
/// </summary>
public sealed class BudgetStatusByUserIdDataLoader(BudgetReader reader, CurrentUser user, IOptionsMonitor<BudgetOptions> options, TimeProvider clock)
    : BatchLoader<Guid, BudgetStatus>
{
    protected override async Task<IReadOnlyDictionary<Guid, BudgetStatus>> FetchAsync(IReadOnlyList<Guid> keys, CancellationToken cancellationToken)
    {
        var visible = keys.Where(id => user.IsAdmin || id == user.Id).Distinct().ToList();
        if (visible.Count == 0)
            return new Dictionary<Guid, BudgetStatus>();
        var configured = options.CurrentValue;
        var now = clock.GetUtcNow();
        var window = BudgetWindow.At(now, configured.FindZone());
        var budgets = configured.Enabled ? await reader.BudgetsAsync(visible, cancellationToken) : new Dictionary<Guid, UserBudgetLimits>();
        var spent = await reader.SpendAsync(visible, window, cancellationToken);
        return visible.ToDictionary(id => id, id => new BudgetStatus(id, budgets.GetValueOrDefault(id), spent[id], window, now));
    }
}
