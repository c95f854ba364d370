using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Multipart;

/// <summary>Raw multipart subscription requests, sent as Apollo Client sends them, and their responses read part by part.</summary>
internal static class MultipartRequests
{
    // What Apollo Client 4's HttpLink sends for a subscription.
    public const string ApolloAccept = "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json";

    public static Task<HttpResponseMessage> PostAsync(PlatformServer server, string query, JsonObject? variables = null, string? bearer = null) =>
        PostBodyAsync(server, new JsonObject { ["query"] = query, ["variables"] = variables?.DeepClone() }.ToJsonString(), bearer);

    public static async Task<HttpResponseMessage> PostBodyAsync(PlatformServer server, string body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", ApolloAccept);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        return await server.Client.SendAsync(request, timeout.Token);
    }

    /// <summary>The JSON of every part, read as RFC 2046 says, checking that the body ends with the closing delimiter.</summary>
    public static List<JsonObject> Parts(string body)
    {
        Assert.StartsWith("\r\n--graphql\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\r\n--graphql--\r\n", body, StringComparison.Ordinal);
        var inner = body["\r\n--graphql".Length..^"\r\n--graphql--\r\n".Length];
        return inner.Split("\r\n--graphql", StringSplitOptions.None).Select(part =>
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.Contains("content-type: application/json", part[..split], StringComparison.OrdinalIgnoreCase);
            return JsonNode.Parse(part[(split + 4)..])!.AsObject();
        }).ToList();
    }
}
