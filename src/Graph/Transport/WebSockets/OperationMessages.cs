using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>Reads and writes the JSON messages both WebSocket subprotocols exchange ({id, type, payload}).</summary>
internal sealed class OperationMessages(IGraphQLTextSerializer serializer)
{
    /// <summary>The message, or null when it is not a JSON object with a string `type`.</summary>
    public OperationMessage? Read(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            var message = serializer.Deserialize<OperationMessage>(Encoding.UTF8.GetString(utf8.Span));
            return message?.Type is null ? null : message;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The request in a subscribe/start payload, or null when the payload is not one.</summary>
    public GraphQLRequest? ReadRequest(object? payload)
    {
        try
        {
            var request = serializer.ReadNode<GraphQLRequest>(payload);
            return request is null || OperationDocument.IsMissing(request) ? null : request;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    public byte[] Write(string type, string? id = null, object? payload = null) =>
        Encoding.UTF8.GetBytes(serializer.Serialize(new OperationMessage { Id = id, Type = type, Payload = payload }));
}
