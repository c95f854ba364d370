using System.Net;
using System.Security.Claims;
using GraphQL;

namespace LlmPlatform.Graph.Transport.WebSockets.GraphQLTransportWs;

/// <summary>
/// The graphql-transport-ws subprotocol (graphql-ws PROTOCOL.md): connection_init within a timeout, then
/// subscribe/next/error/complete per operation id, ping/pong both ways.
/// </summary>
internal sealed class GraphQLTransportWsProtocol(ProtocolServices services, ClaimsPrincipal user, IPAddress? remoteAddress)
    : OperationProtocol(services, user, remoteAddress)
{
    public const string Name = "graphql-transport-ws";

    public override ValueTask ReceivedAsync(ReadOnlyMemory<byte> message)
    {
        var received = Messages.Read(message);
        switch (received?.Type)
        {
            case MessageType.ConnectionInit:
                return InitialiseAsync(received.Payload);
            case MessageType.Ping:
                Connection.Send(Messages.Write(MessageType.Pong));
                break;
            case MessageType.Pong:
                break;
            case MessageType.Subscribe:
                Subscribe(received.Id, received.Payload);
                break;
            case MessageType.Complete when !string.IsNullOrEmpty(received.Id):
                return StopAsync(received.Id);
            default:
                Close(CloseCodes.BadRequest, received is null ? "Invalid message received" : $"Invalid message type \"{received.Type}\"");
                break;
        }
        return ValueTask.CompletedTask;
    }

    private async ValueTask InitialiseAsync(object? payload) =>
        await InitialiseAsync(payload, Messages.Write(MessageType.ConnectionAck));

    private void Subscribe(string? id, object? payload)
    {
        if (!Acknowledged)
            Close(CloseCodes.Unauthorized, "Unauthorized");
        else if (string.IsNullOrEmpty(id) || Messages.ReadRequest(payload) is not { } request)
            Close(CloseCodes.BadRequest, "Invalid subscribe message: it needs an id and a payload with a query");
        else if (IsRunning(id))
            Close(CloseCodes.SubscriberAlreadyExists, $"Subscriber for {id} already exists");
        else
            Start(id, request);
    }

    protected override void InitTimedOut() => Close(CloseCodes.ConnectionInitTimeout, "Connection initialisation timeout");

    protected override void InitForbidden() => Close(CloseCodes.Forbidden, "Forbidden");

    protected override void InitRepeated() => Close(CloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");

    protected override byte[] KeepAliveMessage => Messages.Write(MessageType.Ping);

    protected override void SendRefused(string id, IReadOnlyList<ExecutionError> errors) => Connection.Send(Messages.Write(MessageType.Error, id, errors));

    protected override byte[] NextMessage(string id, ExecutionResult result) => Messages.Write(MessageType.Next, id, result);

    protected override byte[] FailedMessage(string id, ExecutionError error) => Messages.Write(MessageType.Error, id, new[] { error });

    protected override byte[] CompletedMessage(string id) => Messages.Write(MessageType.Complete, id);
}
