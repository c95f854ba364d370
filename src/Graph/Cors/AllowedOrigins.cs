namespace LlmPlatform.Graph.Cors;

/// <summary>The configured origins, parsed once; answers whether a browser's <c>Origin</c> header is one of them.</summary>
internal sealed class AllowedOrigins(IEnumerable<string> patterns)
{
    private readonly OriginPattern[] _patterns = [.. patterns.Select(Parse)];

    public bool IsAllowed(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && _patterns.Any(p => p.Matches(uri));

    private static OriginPattern Parse(string text) =>
        OriginPattern.TryParse(text, out var pattern) ? pattern
        : throw new ArgumentException($"'{text}' is not an origin (scheme://host[:port] or scheme://host:*).", nameof(patterns));
}
