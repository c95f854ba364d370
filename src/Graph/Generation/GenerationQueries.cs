using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Generation;

public static class GenerationQueries
{
    public static void AddGenerationQueries(this QueryGraphType query)
    {
        query.Field<GenerationGraphType>("generation")
            .Authorize()
            .Description("One of your generations by its global id, running or finished; null otherwise.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The generation's global id.")
            .Resolve(ctx => GlobalId.TryDecodeGuid(ctx.GetArgument<string>("id"), GenerationGraphType.TypeName, out var id)
                ? Find(ctx.RequestServices!, id)
                : null);
    }

    internal static IDataLoaderResult<GenerationState?> Find(IServiceProvider services, Guid id) =>
        new DeferredResult<GenerationState?>(ct => services.GetRequiredService<GenerationService>()
            .FindAsync(id, services.GetRequiredService<CurrentUser>().Viewer, ct));
}

public sealed class GenerationNodeResolver(IServiceProvider services) : INodeResolver
{
    public string TypeName => GenerationGraphType.TypeName;

    public IDataLoaderResult<object?>? Resolve(string key) =>
        GlobalId.TryParseGuidKey(key, out var id) ? GenerationQueries.Find(services, id).Then(g => (object?)g) : null;
}
