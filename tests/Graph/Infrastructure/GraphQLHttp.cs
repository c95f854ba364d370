using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>Raw GraphQL-over-HTTP requests (any method, headers and body) and the checks every response must pass.</summary>
public static class GraphQLHttp
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";

    /// <summary>A query string ("?a=1&amp;b=2") with each value escaped.</summary>
    public static string QueryString(params (string Name, string Value)[] parameters) =>
        "?" + string.Join('&', parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>POSTs an operation as JSON to /graphql and returns the parsed response body; fails on a non-JSON answer.</summary>
    public static async Task<JsonObject> PostGraphQLAsync(this HttpClient client, string query, object? variables = null, string? operationName = null)
    {
        using var response = await client.PostGraphQLRawAsync(query, variables, operationName);
        var body = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException($"Not a JSON object: {body}");
    }

    /// <summary>POSTs an operation as JSON to /graphql.</summary>
    public static Task<HttpResponseMessage> PostGraphQLRawAsync(this HttpClient client, string query, object? variables = null,
        string? operationName = null, string accept = GraphQLResponse)
    {
        ArgumentNullException.ThrowIfNull(client);
        var json = JsonSerializer.Serialize(new { query, variables, operationName });
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(json, Encoding.UTF8, Json) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return client.SendAsync(request);
    }

    /// <summary>Sends a request to /graphql; headers left null are not sent.</summary>
    public static Task<HttpResponseMessage> SendGraphQLAsync(this PlatformServer server, HttpMethod method, string queryString = "",
        string? body = null, string? accept = null, string? contentType = Json)
    {
        ArgumentNullException.ThrowIfNull(server);
        var request = new HttpRequestMessage(method, "/graphql" + queryString);
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return server.Client.SendAsync(request);
    }

    /// <summary>Checks the status and the media type (in UTF-8) of a response, and returns its JSON body.</summary>
    public static async Task<JsonObject> ReadGraphQLAsync(this HttpResponseMessage response, HttpStatusCode status, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var contentType = response.Content.Headers.ContentType;
        Assert.Equal(mediaType, contentType?.MediaType);
        Assert.Equal("utf-8", contentType?.CharSet);
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException("Not a JSON object: " + text);
    }
}
