using GraphQL.Types;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Llm.Budgets;

namespace LlmPlatform.Graph.Budgets;

public sealed class BudgetPeriodGraphType : EnumerationGraphType
{
    public BudgetPeriodGraphType()
    {
        Name = "BudgetPeriod";
        Description = "A period budgets are counted in; days and months start at midnight in `Budgets:TimeZone` (UTC by default).";
        Add("DAY", BudgetPeriod.Day, "The current day.");
        Add("MONTH", BudgetPeriod.Month, "The current calendar month.");
    }
}

public sealed class BudgetSourceGraphType : EnumerationGraphType
{
    public BudgetSourceGraphType()
    {
        Name = "BudgetSource";
        Description = "Where a budget comes from.";
        Add("ROLE", BudgetSource.Role, "The configured budgets of the user's roles (`Budgets:Roles`), each limit at its most generous among them.");
        Add("USER", BudgetSource.User, "The user's own budget, set by an admin with `setUserBudget`; it replaces the roles' budgets as a whole.");
    }
}

public sealed class SpendGraphType : ObjectGraphType<SpendView>
{
    public SpendGraphType()
    {
        Name = "Spend";
        Description = "What a user's generations used in one period: the sums of their usage rows, leaving out replies served from the response cache.";
        Field<NonNullGraphType<UsageCountGraphType>>("tokens").Description("Prompt and reply tokens.").Resolve(ctx => ctx.Source.Spend.Tokens);
        Field<NonNullGraphType<FloatGraphType>>("cost").Description("Cost in the configured currency.").Resolve(ctx => (double)ctx.Source.Spend.Cost);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("periodStart").Description("When the period began (UTC).").Resolve(ctx => ctx.Source.PeriodStart);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("periodEnd").Description("When the period ends and the next begins (UTC).").Resolve(ctx => ctx.Source.PeriodEnd);
    }
}

/// <summary>Four limits; used for a budget and for what remains of it.</summary>
public sealed class BudgetLimitsGraphType : ObjectGraphType<BudgetLimits>
{
    public BudgetLimitsGraphType()
    {
        Name = "BudgetLimits";
        Description = "Tokens and cost per day and per month; null is no limit.";
        Field<UsageCountGraphType>("dailyTokens").Description("Tokens a day.").Resolve(ctx => ctx.Source.DailyTokens);
        Field<UsageCountGraphType>("monthlyTokens").Description("Tokens a month.").Resolve(ctx => ctx.Source.MonthlyTokens);
        Field<FloatGraphType>("dailyCost").Description("Cost a day.").Resolve(ctx => (double?)ctx.Source.DailyCost);
        Field<FloatGraphType>("monthlyCost").Description("Cost a month.").Resolve(ctx => (double?)ctx.Source.MonthlyCost);
    }
}

public sealed class BudgetGraphType : ObjectGraphType<BudgetStatus>
{
    public BudgetGraphType()
    {
        Name = "Budget";
        Description = "A user's budget and what remains of it. Spend is counted when a generation ends, so one admitted under the budget may overshoot it by its own size; the next is refused with BUDGET_EXCEEDED.";
        Field<NonNullGraphType<BudgetSourceGraphType>>("source").Description("Where the budget comes from.").Resolve(ctx => ctx.Source.Budget!.Source);
        Field<UsageCountGraphType>("dailyTokens").Description("Tokens a day; null is no limit.").Resolve(ctx => ctx.Source.Budget!.Limits.DailyTokens);
        Field<UsageCountGraphType>("monthlyTokens").Description("Tokens a month; null is no limit.").Resolve(ctx => ctx.Source.Budget!.Limits.MonthlyTokens);
        Field<FloatGraphType>("dailyCost").Description("Cost a day; null is no limit.").Resolve(ctx => (double?)ctx.Source.Budget!.Limits.DailyCost);
        Field<FloatGraphType>("monthlyCost").Description("Cost a month; null is no limit.").Resolve(ctx => (double?)ctx.Source.Budget!.Limits.MonthlyCost);
        Field<NonNullGraphType<BudgetLimitsGraphType>>("remaining").Description("What is left of each limit in the current day and month (0 at least); null where there is no limit.")
            .Resolve(ctx => ctx.Source.Remaining);
        Field<NonNullGraphType<BooleanGraphType>>("exceeded").Description("True when generations are refused until `resetsAt`.").Resolve(ctx => ctx.Source.ResetsAt is not null);
        Field<DateTimeOffsetGraphType>("resetsAt").Description("When the spent budget renews and generations may start again (UTC); null while none is spent.")
            .Resolve(ctx => ctx.Source.ResetsAt);
    }
}
