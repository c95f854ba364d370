using System.Text.Json;
using GraphQL.PersistedDocuments;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>
/// The trusted documents of <see cref="TrustedDocumentOptions.ManifestPath"/>, by id. A <c>documentId</c> of
/// <c>sha256:&lt;hash&gt;</c> finds the document listed under the hash alone or with its prefix.
/// </summary>
public sealed class TrustedDocumentManifest(IOptions<TrustedDocumentOptions> options) : IPersistedDocumentLoader
{
    private readonly IReadOnlyDictionary<string, string> _documents = Load(options.Value.ManifestPath);

    public ValueTask<string?> GetQueryAsync(string? documentIdPrefix, string documentIdPayload, CancellationToken cancellationToken) =>
        new(_documents.GetValueOrDefault(documentIdPayload)
            ?? (documentIdPrefix is null ? null : _documents.GetValueOrDefault(documentIdPrefix + ":" + documentIdPayload)));

    /// <summary>The manifest's documents; empty without a path. Throws with the reason when the file cannot be read.</summary>
    public static IReadOnlyDictionary<string, string> Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return new Dictionary<string, string>();
        try
        {
            using var file = File.OpenRead(path);
            var documents = JsonSerializer.Deserialize<Dictionary<string, string>>(file);
            return documents ?? throw new InvalidDataException("it holds null");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"{TrustedDocumentOptions.Section}:{nameof(TrustedDocumentOptions.ManifestPath)} '{path}' is not a readable JSON object of id to document strings: {e.Message}", e);
        }
    }
}
