using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// The cache key of a request: SHA-256 of a canonical JSON of everything that decides the reply, so equal requests
/// meet and nothing readable (prompt, user id) ends up in a key.
/// </summary>
public static class ResponseCacheKey
{
    // Bumped when the serialization changes, so entries written by an older version are never read as a match.
    private const int Version = 1;

    public static string Compute(ResponseCacheRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            // Compared as the registry compares names.
            json.WriteString("provider", request.Provider.ToUpperInvariant());
            json.WriteString("model", request.Model);
            if (request.KeyOwner is { } owner)
                json.WriteString("keyOwner", owner);
            json.WriteString("temperature", request.Temperature.ToString("R", CultureInfo.InvariantCulture));
            json.WriteNumber("maxTokens", request.MaxTokens);
            if (request.TopP is { } topP)
                json.WriteString("topP", topP.ToString("R", CultureInfo.InvariantCulture));
            json.WriteString("format", request.Format.Kind.ToString());
            if (request.Format.SchemaName is { } name)
                json.WriteString("schemaName", name);
            if (request.Format.Schema is { } schema)
                json.WriteString("schema", schema);
            json.WriteBoolean("strict", request.Format.Strict);
            json.WriteStartArray("messages");
            foreach (var message in request.History)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Label);
                json.WriteString("content", message.Content ?? "");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
