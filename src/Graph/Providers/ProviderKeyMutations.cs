using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Providers;

public static class ProviderKeyMutations
{
    public static void AddProviderKeyMutations(this MutationGraphType mutation)
    {
        mutation.Field<NonNullGraphType<SetProviderKeyPayloadGraphType>, ProviderKeyPayload>("setProviderKey")
            .Description("Stores your own API key for a provider, encrypted; your generations on that provider then use it. Only its last four characters are ever shown.")
            .Argument<NonNullGraphType<SetProviderKeyInputGraphType>>("input", "The provider and the key.")
            .Resolve().WithService<ProviderKeyCommands>()
            .ResolveAsync(async (ctx, keys) => await keys.SetAsync(ctx.GetArgument<SetProviderKeyInput>("input"), ctx.CancellationToken));

        mutation.Field<NonNullGraphType<RemoveProviderKeyPayloadGraphType>, ProviderKeyPayload>("removeProviderKey")
            .Description("Deletes your own API key for a provider; your generations on it use the server's key again, if it has one.")
            .Argument<NonNullGraphType<RemoveProviderKeyInputGraphType>>("input", "The provider.")
            .Resolve().WithService<ProviderKeyCommands>()
            .ResolveAsync(async (ctx, keys) => await keys.RemoveAsync(ctx.GetArgument<RemoveProviderKeyInput>("input"), ctx.CancellationToken));
    }
}
