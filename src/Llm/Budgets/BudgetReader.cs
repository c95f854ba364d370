using LlmPlatform.Data;
using LlmPlatform.Data.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// Reads budgets and spend from the database, for many users in one statement each: the source of truth the counters
/// start from, and what <c>me { spend budget }</c> shows.
/// </summary>
public sealed class BudgetReader(IDbContextFactory<PlatformDbContext> contexts, IOptionsMonitor<BudgetOptions> options)
{
    /// <summary>Each user's budget; a user without any limit is left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, UserBudgetLimits>> BudgetsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var own = await db.UserBudgets.AsNoTracking().Where(b => userIds.Contains(b.UserId)).ToDictionaryAsync(b => b.UserId, cancellationToken);
        var found = new Dictionary<Guid, UserBudgetLimits>();
        foreach (var (userId, row) in own)
        {
            found[userId] = new(new BudgetLimits
            {
                DailyTokens = row.DailyTokens, MonthlyTokens = row.MonthlyTokens, DailyCost = row.DailyCost, MonthlyCost = row.MonthlyCost,
            }, BudgetSource.User);
        }
        var rest = userIds.Where(id => !own.ContainsKey(id)).ToList();
        if (rest.Count == 0 || configured.Roles.Count == 0)
            return found;
        var roles = await db.UserRoles.AsNoTracking().Where(ur => rest.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var rolesOf = roles.ToLookup(r => r.UserId, r => r.Name);
        foreach (var userId in rest)
        {
            // Every account is a `user` for budgets, even those stored without role rows (the local user, services).
            var budgets = rolesOf[userId].Append(PlatformRoles.User).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(role => role is not null && configured.Roles.TryGetValue(role, out var limits) ? limits : null)
                .OfType<BudgetLimits>().ToList();
            var limits = BudgetLimits.MostGenerous(budgets);
            if (limits.LimitsAnything)
                found[userId] = new(limits, BudgetSource.Role);
        }
        return found;
    }

    /// <summary>
    /// What each user spent in the window's day and month, from their usage rows: tokens and cost of generations that
    /// were not answered from the response cache.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, PeriodSpend>> SpendAsync(IReadOnlyCollection<Guid> userIds, BudgetWindow window, CancellationToken cancellationToken)
    {
        var monthStart = window.MonthStart.UtcDateTime;
        var monthEnd = window.MonthEnd.UtcDateTime;
        var dayStart = window.DayStart.UtcDateTime;
        var dayEnd = window.DayEnd.UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Both periods in one statement: the day lies inside the month.
        var rows = await db.UsageEvents.AsNoTracking()
            .Where(u => userIds.Contains(u.UserId) && !u.Cached && u.CreatedAt >= monthStart && u.CreatedAt < monthEnd)
            .GroupBy(u => u.UserId)
            .Select(g => new
            {
                UserId = g.Key,
                MonthTokens = g.Sum(u => (long)u.PromptTokens + u.CompletionTokens),
                MonthCost = g.Sum(u => u.Cost),
                DayTokens = g.Sum(u => u.CreatedAt >= dayStart && u.CreatedAt < dayEnd ? (long)u.PromptTokens + u.CompletionTokens : 0L),
                DayCost = g.Sum(u => u.CreatedAt >= dayStart && u.CreatedAt < dayEnd ? u.Cost : 0m),
            })
            .ToListAsync(cancellationToken);
        var found = userIds.Distinct().ToDictionary(id => id, _ => default(PeriodSpend));
        foreach (var row in rows)
            found[row.UserId] = new(new Spend(row.DayTokens, row.DayCost), new Spend(row.MonthTokens, row.MonthCost));
        return found;
    }
}
