using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;

namespace LlmPlatform.Graph.Budgets;

/// <summary>The result of <c>setUserBudget</c> or <c>clearUserBudget</c>: the user (read their <c>budget</c>), or why nothing changed.</summary>
public sealed record UserBudgetPayload(UserProfile? User, IReadOnlyList<UserError> UserErrors);

public sealed class SetUserBudgetPayloadGraphType : UserBudgetPayloadGraphType
{
    public SetUserBudgetPayloadGraphType() : base("SetUserBudgetPayload", "setUserBudget")
    {
    }
}

public sealed class ClearUserBudgetPayloadGraphType : UserBudgetPayloadGraphType
{
    public ClearUserBudgetPayloadGraphType() : base("ClearUserBudgetPayload", "clearUserBudget")
    {
    }
}

public abstract class UserBudgetPayloadGraphType : ObjectGraphType<UserBudgetPayload>
{
    protected UserBudgetPayloadGraphType(string name, string mutation)
    {
        Name = name;
        Description = $"The result of `{mutation}`.";
        Field<UserGraphType>("user").Description("The user, with their budget as it is now; null when there are user errors.").Resolve(ctx => ctx.Source.User);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing changed; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}
