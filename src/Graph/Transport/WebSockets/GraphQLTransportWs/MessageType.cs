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

/// <summary>Close codes of graphql-transport-ws, and when each applies.</summary>
internal static class CloseCodes
{
    public const int BadRequest = 4400;                       // a message that is not valid for the protocol
    public const int Unauthorized = 4401;                     // subscribe arrived before connection_ack
    public const int Forbidden = 4403;                        // connection_init was refused
    public const int SubprotocolNotAcceptable = 4406;         // the client asked for no subprotocol we speak
    public const int ConnectionInitTimeout = 4408;            // no connection_init within the configured wait
    public const int SubscriberAlreadyExists = 4409;          // subscribe reused the id of a live operation
    public const int TooManyInitialisationRequests = 4429;    // a second connection_init
}
