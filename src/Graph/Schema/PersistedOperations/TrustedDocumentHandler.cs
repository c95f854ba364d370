using GraphQL.PersistedDocuments;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>GraphQL.NET's persisted documents (`documentId`), read from the trusted document manifest.</summary>
public sealed class TrustedDocumentHandler(IOptions<TrustedDocumentOptions> options, TrustedDocumentManifest manifest)
    : PersistedDocumentHandler(OptionsFor(options.Value, manifest))
{
    // After automatic persisted queries (140), which may supply a query this step must refuse when only trusted
    // documents run; before the document cache (200), which needs the query text this step supplies.
    public override float SortOrder => 150;

    private static PersistedDocumentOptions OptionsFor(TrustedDocumentOptions options, TrustedDocumentManifest manifest)
    {
        var handler = new PersistedDocumentOptions
        {
            AllowOnlyPersistedDocuments = options.AllowOnlyTrusted,
            GetQueryDelegate = (execution, prefix, payload) => manifest.GetQueryAsync(prefix, payload, execution.CancellationToken),
        };
        // Ids without a prefix too: manifests key documents by their bare hash, and clients send it as is.
        handler.AllowedPrefixes.Add(null);
        return handler;
    }
}
