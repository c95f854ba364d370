namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>Trusted documents, run by <c>documentId</c>. Section <c>GraphQL:TrustedDocuments</c>.</summary>
public sealed class TrustedDocumentOptions
{
    public const string Section = "GraphQL:TrustedDocuments";

    /// <summary>
    /// A JSON manifest <c>{ "&lt;id&gt;": "&lt;document&gt;", … }</c> (as GraphQL Codegen's client preset writes it),
    /// absolute or relative to the working directory; read at start-up. Unset: no document is trusted.
    /// </summary>
    public string? ManifestPath { get; set; }

    /// <summary>Run only the manifest's documents: a request with a `query` (or a persisted query) is refused.</summary>
    public bool AllowOnlyTrusted { get; set; }
}
