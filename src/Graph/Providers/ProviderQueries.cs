using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Providers;

namespace LlmPlatform.Graph.Providers;

public static class ProviderQueries
{
    public static void AddProviderQueries(this QueryGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProviderGraphType>>>, IEnumerable<ChatProvider>>("providers")
            .Authorize()
            .Description("The providers and models generations can use, by name.")
            .Resolve().WithService<ProviderRegistry>()
            .Resolve((_, providers) => providers.All);
}
