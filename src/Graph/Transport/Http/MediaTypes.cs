using Microsoft.Net.Http.Headers;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>The media types of GraphQL over HTTP and how a response's is chosen from the Accept header.</summary>
internal static class MediaTypes
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";
    public const string GraphQLResponseUtf8 = GraphQLResponse + "; charset=utf-8";
    public const string JsonUtf8 = Json + "; charset=utf-8";

    /// <summary>
    /// The response type the client prefers: application/graphql-response+json when it asks for it by name,
    /// application/json for application/json, a wildcard or no Accept at all (as the spec's legacy clients expect);
    /// null when it accepts neither (406).
    /// </summary>
    public static string? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
            return Json;
        // The values clients send almost always, answered without parsing the header.
        if (accept.Equals(GraphQLResponse, StringComparison.OrdinalIgnoreCase))
            return GraphQLResponse;
        if (accept.Equals(Json, StringComparison.OrdinalIgnoreCase) || accept == "*/*")
            return Json;
        if (!MediaTypeHeaderValue.TryParseList([accept], out var values))
            return Json;

        string? best = null;
        (double Quality, int Specificity) bestRank = (0, 0);
        foreach (var value in values)
        {
            var type = value.MediaType.Value;
            var (candidate, specificity) = type switch
            {
                _ when string.Equals(type, GraphQLResponse, StringComparison.OrdinalIgnoreCase) => (GraphQLResponse, 2),
                _ when string.Equals(type, Json, StringComparison.OrdinalIgnoreCase) => (Json, 2),
                "*/*" or "application/*" => (Json, 1),
                _ => ((string?)null, 0),
            };
            // Highest quality wins, a named type beats a wildcard, and otherwise the first listed wins.
            var rank = (value.Quality ?? 1, specificity);
            if (candidate is not null && rank.Item1 > 0 && rank.CompareTo(bestRank) > 0)
            {
                best = candidate;
                bestRank = rank;
            }
        }
        return best;
    }

    /// <summary>True for a POST body type we read: application/json, in UTF-8 when a charset is named.</summary>
    public static bool IsJsonRequest(string? contentType)
    {
        if (contentType is not null && (contentType.Equals(Json, StringComparison.OrdinalIgnoreCase)
            || contentType.Equals(JsonUtf8, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var value))
            return false;
        if (!string.Equals(value.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase))
            return false;
        var charset = value.Charset.Value;
        return charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            || string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase);
    }
}
