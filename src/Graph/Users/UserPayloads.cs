using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Users;

/// <summary>The result of <c>register</c>: the new user, or why no account was created.</summary>
public sealed record RegisterPayload(UserProfile? User, IReadOnlyList<UserError> UserErrors)
{
    public static RegisterPayload Failed(IReadOnlyList<UserError> errors) => new(null, errors);
}

public sealed class RegisterPayloadGraphType : ObjectGraphType<RegisterPayload>
{
    public RegisterPayloadGraphType()
    {
        Name = "RegisterPayload";
        Description = "The result of `register`.";
        Field<UserGraphType>("user").Description("The new user; null when there are user errors.").Resolve(ctx => ctx.Source.User);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why no account was created; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}
