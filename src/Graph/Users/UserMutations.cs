using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Users;

public static class UserMutations
{
    public static void AddUserMutations(this MutationGraphType mutation) =>
        mutation.Field<NonNullGraphType<RegisterPayloadGraphType>, RegisterPayload>("register")
            .AllowAnonymous()
            .Description("Creates an account with the `user` role. Then ask /connect/token for a token (password grant).")
            .Argument<NonNullGraphType<RegisterInputGraphType>>("input", "The new account.")
            .Resolve().WithService<UserCommands>()
            .ResolveAsync(async (ctx, users) => await users.RegisterAsync(ctx.GetArgument<RegisterInput>("input"), ctx.CancellationToken));
}
