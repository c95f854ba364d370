using System.Buffers.Text;
using System.Text;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Relay global object ids: the type name and the entity key, base64url-encoded so clients treat them as opaque.
/// </summary>
public static class GlobalId
{
    public static string Encode(string typeName, Guid id) => Encode(typeName, id.ToString("N"));

    public static string Encode(string typeName, long id) =>
        Encode(typeName, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Encode(string typeName, string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{typeName}:{key}"));

    /// <summary>Splits a global id into its type name and key; false for anything we did not issue.</summary>
    public static bool TryDecode(string? globalId, out string typeName, out string key)
    {
        typeName = key = "";
        if (string.IsNullOrEmpty(globalId) || globalId.Length > 256)
            return false;
        Span<byte> bytes = stackalloc byte[Base64Url.GetMaxDecodedLength(globalId.Length)];
        if (Base64Url.DecodeFromChars(globalId, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
            return false;
        var text = Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
            return false;
        typeName = text[..colon];
        key = text[(colon + 1)..];
        return true;
    }

    public static bool TryDecodeGuid(string? globalId, string expectedType, out Guid id)
    {
        id = default;
        return TryDecode(globalId, out var type, out var key) && type == expectedType && TryParseGuidKey(key, out id);
    }

    public static bool TryDecodeLong(string? globalId, string expectedType, out long id)
    {
        id = default;
        return TryDecode(globalId, out var type, out var key) && type == expectedType && TryParseLongKey(key, out id);
    }

    // Keys parse only as Encode spells them: another spelling of the same key (upper-case hex, leading zeros) would
    // find an object whose `id` differs from the id asked for, and a client's cache would hold it twice.

    /// <summary>The Guid in a key exactly as <see cref="Encode(string, Guid)"/> writes it.</summary>
    public static bool TryParseGuidKey(string key, out Guid id) =>
        Guid.TryParseExact(key, "N", out id) && string.Equals(key, id.ToString("N"), StringComparison.Ordinal);

    /// <summary>The number in a key exactly as <see cref="Encode(string, long)"/> writes it.</summary>
    public static bool TryParseLongKey(string key, out long id) =>
        long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id)
        && string.Equals(key, id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
