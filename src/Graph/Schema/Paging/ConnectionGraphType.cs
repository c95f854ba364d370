using GraphQL.Types;
using GraphQL.Types.Relay;

namespace LlmPlatform.Graph.Schema.Paging;

/// <summary>A Relay connection over <typeparamref name="TNodeGraphType"/>: edges, nodes, pageInfo and totalCount.</summary>
public sealed class ConnectionGraphType<TNodeGraphType, TNode> : ObjectGraphType<Connection<TNode>>
    where TNodeGraphType : IGraphType
{
    public ConnectionGraphType()
    {
        var nodeName = NodeName();
        Name = nodeName + "Connection";
        Description = $"A page of {nodeName} items, with the cursors to fetch the pages around it.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeGraphType, TNode>>>>>("edges")
            .Description("The items of this page, each with its cursor.")
            .Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes")
            .Description("The items of this page, when their cursors are not needed.")
            .Resolve(ctx => ctx.Source.Edges.Select(e => e.Node));
        Field<NonNullGraphType<PageInfoType>>("pageInfo")
            .Description("Where this page sits in the list.")
            .Resolve(ctx =>
            {
                var edges = ctx.Source.Edges;
                return new GraphQL.Types.Relay.DataObjects.PageInfo
                {
                    HasNextPage = ctx.Source.HasNextPage,
                    HasPreviousPage = ctx.Source.HasPreviousPage,
                    StartCursor = edges.Count > 0 ? edges[0].Cursor : null,
                    EndCursor = edges.Count > 0 ? edges[^1].Cursor : null,
                };
            });
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description("How many items the whole list holds, with its filter applied.")
            .ResolveAsync(async ctx => await ctx.Source.GetTotalCountAsync(ctx.CancellationToken));
    }

    internal static string NodeName()
    {
        var name = typeof(TNodeGraphType).Name;
        return name.EndsWith("GraphType", StringComparison.Ordinal) ? name[..^"GraphType".Length] : name;
    }
}

public sealed class EdgeGraphType<TNodeGraphType, TNode> : ObjectGraphType<Edge<TNode>>
    where TNodeGraphType : IGraphType
{
    public EdgeGraphType()
    {
        var nodeName = ConnectionGraphType<TNodeGraphType, TNode>.NodeName();
        Name = nodeName + "Edge";
        Description = $"A {nodeName} in a page, with its cursor.";
        Field<NonNullGraphType<StringGraphType>>("cursor")
            .Description("Pass this as `after` or `before` to page from here.")
            .Resolve(ctx => ctx.Source.Cursor);
        Field<NonNullGraphType<TNodeGraphType>>("node")
            .Description($"The {nodeName}.")
            .Resolve(ctx => ctx.Source.Node);
    }
}
