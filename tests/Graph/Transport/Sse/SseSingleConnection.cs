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

    public static async Task<HttpResponseMessage> ReserveAsync(PlatformServer server) =>
        await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/graphql"));

    /// <summary>A reservation's token; the reservation must succeed.</summary>
    public static async Task<string> ReserveTokenAsync(PlatformServer server)
    {
        using var response = await ReserveAsync(server);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Opens the event stream as a browser's EventSource would: the token in the query string.</summary>
    public static Task<SseStream> ConnectAsync(PlatformServer server, string token) =>
        SseStream.OpenAsync(server, new HttpRequestMessage(HttpMethod.Get, "/graphql?token=" + Uri.EscapeDataString(token)));

    public static async Task<HttpResponseMessage> PostAsync(PlatformServer server, string token, string query, JsonObject? variables = null, string? operationId = null)
    {
        var body = new JsonObject { ["query"] = query, ["variables"] = variables?.DeepClone() };
        if (operationId is not null)
            body["extensions"] = new JsonObject { ["operationId"] = operationId };
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add(TokenHeader, token);
        return await server.Client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> DeleteAsync(PlatformServer server, string token, string operationId)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/graphql?operationId=" + Uri.EscapeDataString(operationId));
        request.Headers.Add(TokenHeader, token);
        return await server.Client.SendAsync(request);
    }

    /// <summary>The error code of a refused request's JSON body.</summary>
    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.String("errors[0].extensions.code");
    }
}
