using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// One operation over any of the transports, read back as one result, for rules that must hold on all of them:
/// GraphQL over HTTP (POST), graphql-transport-ws and graphql-sse.
/// </summary>
public static class Transports
{
    public const string Http = "http";
    public const string WebSocket = "graphql-transport-ws";
    public const string Sse = "graphql-sse";

    public static TheoryData<string> All => new() { Http, WebSocket, Sse };

    /// <summary>
    /// Runs a query or mutation and returns its result as the client got it: the response body over HTTP, the only
    /// `next` event over SSE, and over WebSocket the `next` payload or, for an `error` message, <c>{ "errors": payload }</c>.
    /// </summary>
    public static async Task<JsonObject> ExecuteAsync(this StreamingServer server, string transport, string query, JsonObject? variables = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        switch (transport)
        {
            case Http:
                return await server.PostGraphQLAsync(query, variables);
            case Sse:
                await using (var stream = await SseStream.PostOperationAsync(server, query, variables))
                    return Assert.Single(await stream.ReadToCompleteAsync());
            case WebSocket:
                await using (var socket = await TestWebSocket.ConnectAsync(server, WebSocket))
                {
                    await socket.InitAsync();
                    await socket.SendOperationAsync("subscribe", "1", query, variables);
                    var message = await socket.ReceiveAsync();
                    Assert.Equal("1", message.String("id"));
                    if (message.String("type") == "error")
                        return new JsonObject { ["errors"] = message["payload"]!.DeepClone() };
                    Assert.Equal("next", message.String("type"));
                    Assert.Equal("complete", (await socket.ReceiveAsync()).String("type"));
                    return message["payload"]!.AsObject();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(transport), transport, "No such transport.");
        }
    }

    /// <summary>
    /// Sends a request's JSON exactly as given (over WebSocket, as the payload of a subscribe message) and returns
    /// what came back: the HTTP status and error codes, or the WebSocket's error codes or close code.
    /// </summary>
    public static async Task<RawOutcome> SendRawAsync(this StreamingServer server, string transport, string requestJson)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (transport == WebSocket)
        {
            await using var socket = await TestWebSocket.ConnectAsync(server, WebSocket);
            await socket.InitAsync();
            await socket.SendTextAsync("""{"type":"subscribe","id":"1","payload":""" + requestJson + "}");
            var frame = await socket.ReceiveFrameAsync();
            Assert.NotNull(frame);
            return frame.Close is { } close
                ? new RawOutcome(null, close.Code, [])
                : new RawOutcome(null, null, new JsonObject { ["errors"] = frame.Message!["payload"]!.DeepClone() }.ErrorCodes());
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(requestJson, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(transport == Sse ? "text/event-stream" : GraphQLHttp.GraphQLResponse));
        using var response = await server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (transport == Sse && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            text = text.Split('\n').Single(line => line.StartsWith("data: {", StringComparison.Ordinal))["data: ".Length..];
        return new RawOutcome((int)response.StatusCode, null, (JsonNode.Parse(text)?.AsObject() ?? []).ErrorCodes());
    }
}

/// <summary>What a raw request got back: an HTTP status, or a WebSocket close code, and the codes of any errors.</summary>
public sealed record RawOutcome(int? Status, int? CloseCode, IReadOnlyList<string?> Codes);
