using GraphQL.Types;
using LlmPlatform.Graph.Analytics;

namespace LlmPlatform.Graph.Budgets;

public sealed record SetUserBudgetInput(string UserId, long? DailyTokens, long? MonthlyTokens, double? DailyCost, double? MonthlyCost);

public sealed class SetUserBudgetInputGraphType : InputObjectGraphType<SetUserBudgetInput>
{
    public SetUserBudgetInputGraphType()
    {
        Name = "SetUserBudgetInput";
        Description = "One user's own budget. It replaces the budgets of the user's roles as a whole: a limit left null is no limit.";
        Field<NonNullGraphType<IdGraphType>>("userId").Description("The user's global id.");
        Field<UsageCountGraphType>("dailyTokens").Description("Tokens a day, 0 or more; null is no limit.");
        Field<UsageCountGraphType>("monthlyTokens").Description("Tokens a month, 0 or more; null is no limit.");
        Field<FloatGraphType>("dailyCost").Description($"Cost a day, from 0 to {BudgetCommands.MaxCost}; null is no limit.");
        Field<FloatGraphType>("monthlyCost").Description($"Cost a month, from 0 to {BudgetCommands.MaxCost}; null is no limit.");
    }
}

public sealed record ClearUserBudgetInput(string UserId);

public sealed class ClearUserBudgetInputGraphType : InputObjectGraphType<ClearUserBudgetInput>
{
    public ClearUserBudgetInputGraphType()
    {
        Name = "ClearUserBudgetInput";
        Description = "The user whose own budget is removed; their roles' budgets apply again.";
        Field<NonNullGraphType<IdGraphType>>("userId").Description("The user's global id.");
    }
}
