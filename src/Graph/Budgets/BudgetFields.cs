using GraphQL;
using GraphQL.Types;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Budgets;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Budgets;

/// <summary>The <c>spend</c> and <c>budget</c> fields of a user, both from one batched loader.</summary>
public static class BudgetFields
{
    public static void AddUserBudget(this ObjectGraphType<UserProfile> user)
    {
        user.Field<SpendGraphType>("spend")
            .Description("What this user spent in the current day or month (yours, or anyone's for an admin; null otherwise).")
            .Argument<NonNullGraphType<BudgetPeriodGraphType>>("period", "DAY or MONTH.")
            .Resolve(ctx => Status(ctx).Then(status => status?.SpendOf(ctx.GetArgument<BudgetPeriod>("period"))));
        user.Field<BudgetGraphType>("budget")
            .Description("This user's budget (yours, or anyone's for an admin); null when nothing limits them or budgets are off.")
            .Resolve(ctx => Status(ctx).Then(status => status?.Budget is null ? null : status));
    }

    private static GraphQL.DataLoader.IDataLoaderResult<BudgetStatus?> Status(IResolveFieldContext<UserProfile> ctx) =>
        ctx.RequestServices!.GetRequiredService<BudgetStatusByUserIdDataLoader>().Load(ctx.Source.Id);
}
