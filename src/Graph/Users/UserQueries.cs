using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Users;

public static class UserQueries
{
    public static void AddUserQueries(this QueryGraphType query) =>
        query.Field<UserGraphType, UserProfile>("me")
            .Description("The signed-in user (or the local user, where the server lets callers without a token act as it); null for anyone else.")
            .Resolve().WithService<UserCommands>()
            .ResolveAsync(async (_, users) => await users.MeAsync());
}
