using System.Net.WebSockets;
using GraphQL;
using LlmPlatform.Graph.Transport.WebSockets.GraphQLTransportWs;
using LlmPlatform.Graph.Transport.WebSockets.SubscriptionsTransportWs;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>
/// GraphQL over WebSocket: picks the subprotocol the client asks for (graphql-transport-ws, or the legacy
/// graphql-ws of subscriptions-transport-ws) and runs the connection; any other is refused with 4406.
/// </summary>
internal sealed class WebSocketEndpoint(
    OperationExecutor executor,
    IServiceScopeFactory scopes,
    IGraphQLTextSerializer serializer,
    IOptions<TransportOptions> options,
    ICallerAuthenticator authenticator,
    TimeProvider clock,
    ILogger<WebSocketEndpoint> logger)
{
    private readonly ProtocolServices _services = new(executor, scopes, new OperationMessages(serializer), options.Value, authenticator, clock);

    public async Task HandleAsync(HttpContext context)
    {
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var subprotocol = requested.Contains(GraphQLTransportWsProtocol.Name) ? GraphQLTransportWsProtocol.Name
            : requested.Contains(SubscriptionsTransportWsProtocol.Name) ? SubscriptionsTransportWsProtocol.Name
            : null;
        var limits = options.Value;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = limits.KeepAliveInterval,
        });
        var connection = new WebSocketConnection(socket, limits, logger);
        IWebSocketProtocol protocol = subprotocol switch
        {
            GraphQLTransportWsProtocol.Name => new GraphQLTransportWsProtocol(_services, context.User, context.Connection.RemoteIpAddress),
            SubscriptionsTransportWsProtocol.Name => new SubscriptionsTransportWsProtocol(_services, context.User, context.Connection.RemoteIpAddress),
            _ => new RefusedProtocol(),
        };
        await connection.RunAsync(protocol, context.RequestAborted);
    }

    /// <summary>Closes at once: the client asked for no subprotocol this server speaks.</summary>
    private sealed class RefusedProtocol : IWebSocketProtocol
    {
        public void Opened(WebSocketConnection connection) =>
            connection.Close((WebSocketCloseStatus)CloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable");

        public ValueTask ReceivedAsync(ReadOnlyMemory<byte> message) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
