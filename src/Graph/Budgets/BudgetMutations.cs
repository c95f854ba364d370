using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Budgets;

public static class BudgetMutations
{
    public static void AddBudgetMutations(this MutationGraphType mutation)
    {
        mutation.Field<NonNullGraphType<SetUserBudgetPayloadGraphType>, UserBudgetPayload>("setUserBudget")
            .Description("Admins: sets one user's own budget, which replaces their roles' budgets. Others get FORBIDDEN.")
            .Argument<NonNullGraphType<SetUserBudgetInputGraphType>>("input", "The user and their limits.")
            .Resolve().WithService<BudgetCommands>()
            .ResolveAsync(async (ctx, budgets) => await budgets.SetAsync(ctx.GetArgument<SetUserBudgetInput>("input"), ctx.CancellationToken));
        mutation.Field<NonNullGraphType<ClearUserBudgetPayloadGraphType>, UserBudgetPayload>("clearUserBudget")
            .Description("Admins: removes one user's own budget; their roles' budgets apply again. Others get FORBIDDEN.")
            .Argument<NonNullGraphType<ClearUserBudgetInputGraphType>>("input", "The user.")
            .Resolve().WithService<BudgetCommands>()
            .ResolveAsync(async (ctx, budgets) => await budgets.ClearAsync(ctx.GetArgument<ClearUserBudgetInput>("input"), ctx.CancellationToken));
    }
}
