using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Budgets;

/// <summary>The counts of one instance, for a server without Redis.</summary>
public sealed class InMemoryBudgetCounters(BudgetReader reader, IOptionsMonitor<BudgetOptions> options) : IBudgetCounters
{
    private readonly ConcurrentDictionary<Guid, Counts> _users = new();

    public async ValueTask<PeriodSpend?> AddAsync(Guid userId, BudgetWindow window, Spend spent, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(userId, out var counts) || counts.Window != window)
        {
            var seed = (await reader.SpendAsync([userId], window, cancellationToken))[userId];
            // Forgetting is safe, since every count starts again from the database: it bounds the memory.
            if (_users.Count >= options.CurrentValue.MaxTrackedUsers)
                _users.Clear();
            counts = _users.AddOrUpdate(userId, _ => new Counts(window, seed), (_, old) => old.Window == window ? old : new Counts(window, seed));
        }
        lock (counts)
        {
            counts.Spent = new PeriodSpend(counts.Spent.Day + spent, counts.Spent.Month + spent);
            return counts.Spent;
        }
    }

    private sealed class Counts(BudgetWindow window, PeriodSpend spent)
    {
        public BudgetWindow Window { get; } = window;
        public PeriodSpend Spent { get; set; } = spent;
    }
}
