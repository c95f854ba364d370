using System.Text.Json;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>Reads the credentials a client puts in its init payload: <c>{ "authorization": "Bearer …" }</c>.</summary>
internal static class ConnectionInitPayload
{
    private const string Key = "authorization";

    /// <summary>The payload's authorization value (any casing of the key); null when it has none.</summary>
    public static string? Authorization(object? payload)
    {
        switch (payload)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } json:
                foreach (var property in json.EnumerateObject())
                {
                    if (property.NameEquals(Key) || string.Equals(property.Name, Key, StringComparison.OrdinalIgnoreCase))
                        return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : "";
                }
                return null;
            case IReadOnlyDictionary<string, object?> map:
                foreach (var (name, value) in map)
                {
                    if (string.Equals(name, Key, StringComparison.OrdinalIgnoreCase))
                        return value as string ?? "";
                }
                return null;
            default:
                return null;
        }
    }
}
