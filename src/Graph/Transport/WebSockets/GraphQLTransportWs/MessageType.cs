namespace LlmPlatform.Graph.Transport.WebSockets.GraphQLTransportWs;

/// <summary>Message types of the graphql-transport-ws subprotocol (graphql-ws PROTOCOL.md).</summary>
internal static class MessageType
{
    public const string ConnectionInit = "connection_init";   // client: first message, once
    public const string ConnectionAck = "connection_ack";     // server: the connection may be used
    public const string Ping = "ping";                        // either side; answered with pong
    public const string Pong = "pong";
    public const string Subscribe = "subscribe";              // client: start an operation
    public const string Next = "next";                        // server: a result of an operation
    public const string Error = "error";                      // server: the operation failed; it is over
    public const string Complete = "complete";                // either side: the operation is over
}
