using System.Diagnostics.CodeAnalysis;

namespace LlmPlatform.Graph.Cors;

/// <summary>One allowed origin, <c>scheme://host[:port]</c>, or with the port <c>*</c> to allow any port of that host.</summary>
internal sealed record OriginPattern(string Scheme, string Host, int? Port)
{
    private const string AnyPort = ":*";

    public static bool TryParse(string? text, [NotNullWhen(true)] out OriginPattern? pattern)
    {
        pattern = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var anyPort = text.EndsWith(AnyPort, StringComparison.Ordinal);
        var origin = anyPort ? text[..^AnyPort.Length] : text;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || origin.EndsWith('/') || uri.Query.Length > 0 || uri.UserInfo.Length > 0
            || (anyPort && !uri.IsDefaultPort))
            return false;
        pattern = new OriginPattern(uri.Scheme, uri.IdnHost, anyPort ? null : uri.Port);
        return true;
    }

    /// <summary>Whether a browser's <c>Origin</c> header names an origin this pattern allows.</summary>
    public bool Matches(Uri origin) =>
        string.Equals(origin.Scheme, Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.IdnHost, Host, StringComparison.OrdinalIgnoreCase)
        && (Port is null || origin.Port == Port);
}
