using GraphQL.Types;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Budgets;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Users;

/// <summary>A person (or service) with an account, as they see themselves.</summary>
public sealed record UserProfile(Guid Id, string? Email, string DisplayName, IReadOnlyList<string> Roles, DateTime CreatedAt);

public sealed class UserGraphType : ObjectGraphType<UserProfile>
{
    public const string TypeName = "User";

    public UserGraphType()
    {
        Name = TypeName;
        Description = "A person or service with an account.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The user's global id.").Resolve(ctx => GlobalId.Encode(TypeName, ctx.Source.Id));
        Field(u => u.Email, nullable: true).Description("The email the user signs in with; null for services.");
        Field(u => u.DisplayName).Description("The name shown for the user.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles")
            .Description("The user's roles: `user`, and `admin` for those who see everyone's data.")
            .Resolve(ctx => ctx.Source.Roles);
        Field(u => u.CreatedAt).Description("When the account was created (UTC).");
        this.AddUserUsage();
        this.AddUserBudget();
    }
}
