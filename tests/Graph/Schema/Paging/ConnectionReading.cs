using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.Paging;

/// <summary>What a client reads off a connection in a response.</summary>
public static class ConnectionReading
{
    /// <summary>One string field of every node of the connection at <paramref name="connection"/> (its `nodes`).</summary>
    public static IReadOnlyList<string> Strings(this JsonNode root, string connection, string field) =>
        root.At(connection + ".nodes")!.AsArray().Select(n => n![field]!.GetValue<string>()).ToList();

    /// <summary>The cursors of the connection's `edges`.</summary>
    public static IReadOnlyList<string> Cursors(this JsonNode root, string connection) =>
        root.At(connection + ".edges")!.AsArray().Select(e => e!["cursor"]!.GetValue<string>()).ToList();

    public static PageInfo PageInfo(this JsonNode root, string connection)
    {
        var info = root.At(connection + ".pageInfo")!;
        return new PageInfo(
            info["hasPreviousPage"]!.GetValue<bool>(),
            info["hasNextPage"]!.GetValue<bool>(),
            info["startCursor"]?.GetValue<string>(),
            info["endCursor"]?.GetValue<string>());
    }
}

public sealed record PageInfo(bool HasPreviousPage, bool HasNextPage, string? StartCursor, string? EndCursor);
