using GraphQL.Types;

namespace LlmPlatform.Graph.Schema;

/// <summary>The Relay Node interface: anything that can be fetched again by its global id.</summary>
public sealed class NodeInterfaceGraphType : InterfaceGraphType
{
    public NodeInterfaceGraphType()
    {
        Name = "Node";
        Description = "An object with a global id, which `node(id:)` fetches again.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The object's global id: opaque, stable, and unique across types.");
    }
}

/// <summary>Fetches one kind of node by the key inside its global id; each feature registers its own.</summary>
public interface INodeResolver
{
    string TypeName { get; }

    /// <summary>The node, or null when it does not exist or the caller may not see it.</summary>
    GraphQL.DataLoader.IDataLoaderResult<object?>? Resolve(string key);
}
