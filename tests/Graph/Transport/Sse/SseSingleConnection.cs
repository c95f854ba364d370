using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>Raw requests of graphql-sse's single connection mode: reserve, open the stream, post and stop operations.</summary>
internal static class SseSingleConnection
{
    public const string TokenHeader = "x-graphql-event-stream-token";

    public static async Task<HttpResponseMessage> ReserveAsync(PlatformServer server, string? bearer = null) =>
        await server.Client.SendAsync(WithBearer(new HttpRequestMessage(HttpMethod.Put, "/graphql"), bearer));

    /// <summary>A reservation's token; the reservation must succeed.</summary>
    public static async Task<string> ReserveTokenAsync(PlatformServer server, string? bearer = null)
    {
        using var response = await ReserveAsync(server, bearer);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Opens the event stream as a browser's EventSource would: the token in the query string.</summary>
    public static Task<SseStream> ConnectAsync(PlatformServer server, string token) =>
        SseStream.OpenAsync(server, new HttpRequestMessage(HttpMethod.Get, "/graphql?token=" + Uri.EscapeDataString(token)));

    public static async Task<HttpResponseMessage> PostAsync(
        PlatformServer server, string token, string query, JsonObject? variables = null, string? operationId = null, string? bearer = null)
    {
        var body = new JsonObject { ["query"] = query, ["variables"] = variables?.DeepClone() };
        if (operationId is not null)
            body["extensions"] = new JsonObject { ["operationId"] = operationId };
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add(TokenHeader, token);
        return await server.Client.SendAsync(WithBearer(request, bearer));
    }

    public static async Task<HttpResponseMessage> DeleteAsync(PlatformServer server, string token, string operationId, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/graphql?operationId=" + Uri.EscapeDataString(operationId));
        request.Headers.Add(TokenHeader, token);
        return await server.Client.SendAsync(WithBearer(request, bearer));
    }

    private static HttpRequestMessage WithBearer(HttpRequestMessage request, string? bearer)
    {
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    /// <summary>The error code of a refused request's JSON body.</summary>
    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.String("errors[0].extensions.code");
    }
}
