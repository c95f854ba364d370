namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>
/// Every code the server closes a WebSocket with, and when each applies: RFC 6455's own, then graphql-transport-ws's
/// (graphql-ws PROTOCOL.md), which the legacy graphql-ws subprotocol borrows where it has none of its own.
/// </summary>
internal static class CloseCodes
{
    public const int NormalClosure = 1000;                    // the client asked to end (legacy connection_terminate), or closed first
    public const int UnsupportedData = 1003;                  // a binary message: both subprotocols speak text
    public const int PolicyViolation = 1008;                  // the client stopped reading past the outbound bounds
    public const int MessageTooBig = 1009;                    // a message above Transport:MaxWebSocketMessageSize

    public const int BadRequest = 4400;                       // a message that is not valid for the protocol
    public const int Unauthorized = 4401;                     // subscribe arrived before connection_ack
    public const int Forbidden = 4403;                        // connection_init was refused
    public const int SubprotocolNotAcceptable = 4406;         // the client asked for no subprotocol we speak
    public const int ConnectionInitTimeout = 4408;            // no connection_init within the configured wait
    public const int SubscriberAlreadyExists = 4409;          // subscribe reused the id of a live operation
    public const int TooManyInitialisationRequests = 4429;    // a second connection_init
}
