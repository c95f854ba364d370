using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

public static class NodeQueries
{
    public static void AddNodeQueries(this QueryGraphType query)
    {
        query.Field<NodeInterfaceGraphType>("node")
            .Description("Fetches any object by its global id; null when there is none you may see.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The object's global id.")
            .Resolve(ctx => Resolve(ctx.RequestServices!, ctx.GetArgument<string>("id")));

        query.Field<NonNullGraphType<ListGraphType<NodeInterfaceGraphType>>>("nodes")
            .Description("Fetches objects by their global ids, in the same order; null for each that you may not see. At most 100 ids unless the server sets another limit; more is a TOO_MANY_IDS error.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids", "The objects' global ids.")
            .Resolve(ctx =>
            {
                var ids = ctx.GetArgument<List<string>>("ids");
                // Every id may cost a load: refused before any starts.
                var maxIds = ctx.RequestServices!.GetRequiredService<IOptions<GraphQLOptions>>().Value.MaxNodesPerRequest;
                if (ids.Count > maxIds)
                    throw new ExecutionError($"`nodes` takes at most {maxIds} ids.") { Code = "TOO_MANY_IDS" };
                var results = ids.Select(id => Resolve(ctx.RequestServices!, id)).ToList();
                return new AllResults(results);
            });
    }

    private static IDataLoaderResult<object?>? Resolve(IServiceProvider services, string id)
    {
        if (!GlobalId.TryDecode(id, out var typeName, out var key))
            return null;
        foreach (var resolver in services.GetServices<INodeResolver>())
        {
            if (resolver.TypeName == typeName)
                return resolver.Resolve(key);
        }
        return null;
    }

    private sealed class AllResults(List<IDataLoaderResult<object?>?> results) : IDataLoaderResult<object?>
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = new object?[results.Count];
            for (var i = 0; i < results.Count; i++)
                values[i] = results[i] is { } result ? await result.GetResultAsync(cancellationToken) : null;
            return values;
        }
    }
}
