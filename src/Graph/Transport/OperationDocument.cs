using GraphQL.Transport;
using LlmPlatform.Graph.Schema.PersistedOperations;

namespace LlmPlatform.Graph.Transport;

/// <summary>Whether a request names a document to run, in any of the ways the engine accepts.</summary>
internal static class OperationDocument
{
    /// <summary>True when a request has no query text, no trusted `documentId` and no persisted query hash.</summary>
    public static bool IsMissing(GraphQLRequest request) =>
        string.IsNullOrWhiteSpace(request.Query) && request.DocumentId is null
        && !AutomaticPersistedQueryHandler.IsRequested(request.Extensions);
}
