using System.Net;
using System.Security.Claims;
using GraphQL;

namespace LlmPlatform.Graph.Transport.WebSockets.SubscriptionsTransportWs;

/// <summary>
/// The legacy `graphql-ws` subprotocol of subscriptions-transport-ws (Apollo's older clients):
/// connection_init/connection_ack, start/data/error/complete/stop, `ka` keep-alives, connection_terminate.
/// </summary>
internal sealed class SubscriptionsTransportWsProtocol(ProtocolServices services, ClaimsPrincipal user, IPAddress? remoteAddress)
    : OperationProtocol(services, user, remoteAddress)
{
    public const string Name = "graphql-ws";

    public override ValueTask ReceivedAsync(ReadOnlyMemory<byte> message)
    {
        var received = Messages.Read(message);
        switch (received?.Type)
        {
            case MessageType.ConnectionInit:
                return InitialiseAsync(received.Payload);
            case MessageType.Start when !Acknowledged:
                Connection.Send(Messages.Write(MessageType.ConnectionError, payload: new ExecutionError("Send connection_init first.") { Code = "NOT_INITIALISED" }));
                break;
            case MessageType.Start when string.IsNullOrEmpty(received.Id) || Messages.ReadRequest(received.Payload) is null:
                Connection.Send(Messages.Write(MessageType.Error, received.Id, new ExecutionError("A start message needs an id and a payload with a query.") { Code = "BAD_REQUEST" }));
                break;
            case MessageType.Start when IsRunning(received.Id!):
                Connection.Send(Messages.Write(MessageType.Error, received.Id, new ExecutionError($"An operation with id {received.Id} is already running.") { Code = "DUPLICATE_ID" }));
                break;
            case MessageType.Start:
                Start(received.Id!, Messages.ReadRequest(received.Payload)!);
                break;
            case MessageType.Stop when !string.IsNullOrEmpty(received.Id):
                return StopAsync(received.Id);
            case MessageType.ConnectionTerminate:
                Close(CloseCodes.NormalClosure, "");
                break;
            default:
                Connection.Send(Messages.Write(MessageType.Error, received?.Id, new ExecutionError("Invalid message received.") { Code = "BAD_REQUEST" }));
                break;
        }
        return ValueTask.CompletedTask;
    }

    // The protocol sends a keep-alive right after the acknowledgement.
    private async ValueTask InitialiseAsync(object? payload)
    {
        if (await InitialiseAsync(payload, Messages.Write(MessageType.ConnectionAck)))
            Connection.Send(KeepAliveMessage);
    }

    protected override void InitTimedOut() => Close(CloseCodes.ConnectionInitTimeout, "Connection initialisation timeout");

    // Old clients learn why from connection_error; the close code is the newer protocol's, for anyone who looks.
    protected override void InitForbidden()
    {
        Connection.Send(Messages.Write(MessageType.ConnectionError, payload: new ExecutionError("The access token is not valid.") { Code = "FORBIDDEN" }));
        Close(CloseCodes.Forbidden, "Forbidden");
    }

    protected override void InitRepeated() =>
        Connection.Send(Messages.Write(MessageType.ConnectionError, payload: new ExecutionError("The connection is already initialised.") { Code = "ALREADY_INITIALISED" }));

    protected override byte[] KeepAliveMessage => Messages.Write(MessageType.KeepAlive);

    // Old clients read refusals (validation errors) as a result with errors, then the end of the operation.
    protected override void SendRefused(string id, IReadOnlyList<ExecutionError> errors)
    {
        Connection.Send(Messages.Write(MessageType.Data, id, new ExecutionResult { Errors = [.. errors] }));
        Connection.Send(Messages.Write(MessageType.Complete, id));
    }

    protected override byte[] NextMessage(string id, ExecutionResult result) => Messages.Write(MessageType.Data, id, result);

    protected override byte[] FailedMessage(string id, ExecutionError error) => Messages.Write(MessageType.Error, id, error);

    protected override byte[] CompletedMessage(string id) => Messages.Write(MessageType.Complete, id);
}

/// <summary>Message types of subscriptions-transport-ws (its PROTOCOL.md).</summary>
internal static class MessageType
{
    public const string ConnectionInit = "connection_init";           // client: first message
    public const string ConnectionAck = "connection_ack";             // server: accepted
    public const string ConnectionError = "connection_error";         // server: the connection cannot be used as asked
    public const string KeepAlive = "ka";                             // server: after the ack, then periodically
    public const string ConnectionTerminate = "connection_terminate"; // client: closing
    public const string Start = "start";                              // client: start an operation
    public const string Stop = "stop";                                // client: stop an operation
    public const string Data = "data";                                // server: a result
    public const string Error = "error";                              // server: the operation failed
    public const string Complete = "complete";                        // server: the operation ended
}
