using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Budgets;

/// <summary>Admins set and clear users' own budgets; the next generation each user starts is checked against it.</summary>
public sealed class BudgetCommands(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user, UserCommands users, TimeProvider clock)
{
    /// <summary>The largest cost limit: what the database's cost columns hold, with room to spare.</summary>
    public const double MaxCost = 1_000_000_000;

    public async Task<UserBudgetPayload> SetAsync(SetUserBudgetInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireAdmin();
        var errors = new List<UserError>();
        if (input.DailyTokens < 0)
            errors.Add(UserError.OutOfRange("dailyTokens", "0 or more"));
        if (input.MonthlyTokens < 0)
            errors.Add(UserError.OutOfRange("monthlyTokens", "0 or more"));
        if (input.DailyCost is { } daily && !IsCost(daily))
            errors.Add(UserError.OutOfRange("dailyCost", $"from 0 to {MaxCost}"));
        if (input.MonthlyCost is { } monthly && !IsCost(monthly))
            errors.Add(UserError.OutOfRange("monthlyCost", $"from 0 to {MaxCost}"));
        var (userId, profile) = await FindAsync(input.UserId, errors);
        if (errors.Count > 0)
            return new UserBudgetPayload(null, errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var budget = await db.UserBudgets.FirstOrDefaultAsync(b => b.UserId == userId, cancellationToken);
        if (budget is null)
            db.UserBudgets.Add(budget = new UserBudget { UserId = userId });
        budget.DailyTokens = input.DailyTokens;
        budget.MonthlyTokens = input.MonthlyTokens;
        budget.DailyCost = (decimal?)input.DailyCost;
        budget.MonthlyCost = (decimal?)input.MonthlyCost;
        budget.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return new UserBudgetPayload(profile, []);
    }

    public async Task<UserBudgetPayload> ClearAsync(ClearUserBudgetInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireAdmin();
        var errors = new List<UserError>();
        var (userId, profile) = await FindAsync(input.UserId, errors);
        if (errors.Count > 0)
            return new UserBudgetPayload(null, errors);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.UserBudgets.Where(b => b.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        return new UserBudgetPayload(profile, []);
    }

    private void RequireAdmin()
    {
        if (!user.IsAdmin)
            throw new GraphQL.ExecutionError("Only admins may set budgets.") { Code = "FORBIDDEN" };
    }

    private async Task<(Guid Id, UserProfile? Profile)> FindAsync(string globalId, List<UserError> errors)
    {
        var profile = GlobalId.TryDecodeGuid(globalId, UserGraphType.TypeName, out var id) ? await users.FindAsync(id) : null;
        if (profile is null)
            errors.Add(UserError.NotFound("userId", "user"));
        return (id, profile);
    }

    private static bool IsCost(double cost) => double.IsFinite(cost) && cost is >= 0 and <= MaxCost;
}
