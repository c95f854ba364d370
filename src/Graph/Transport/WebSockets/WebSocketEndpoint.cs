using System.Net.WebSockets;
using GraphQL;
using LlmPlatform.Graph.Telemetry;
using LlmPlatform.Graph.Transport.WebSockets.GraphQLTransportWs;
using LlmPlatform.Graph.Transport.WebSockets.SubscriptionsTransportWs;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>
/// GraphQL over WebSocket: picks the subprotocol the client asks for (graphql-transport-ws, or the legacy
/// graphql-ws of subscriptions-transport-ws) and runs the connection; any other is refused with 4406.
/// An upgrade from a web page on an origin the CORS policy does not allow is refused with 403.
/// </summary>
internal sealed class WebSocketEndpoint(
    OperationExecutor executor,
    IServiceScopeFactory scopes,
    IGraphQLTextSerializer serializer,
    IOptions<TransportOptions> options,
    ICallerAuthenticator authenticator,
    ICorsPolicyProvider corsPolicies,
    ICorsService cors,
    TimeProvider clock,
    GraphMetrics metrics,
    ILogger<WebSocketEndpoint> logger)
{
    private readonly ProtocolServices _services = new(executor, scopes, new OperationMessages(serializer), options.Value, authenticator, clock);

    public async Task HandleAsync(HttpContext context)
    {
        if (!await IsOriginAllowedAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var subprotocol = requested.Contains(GraphQLTransportWsProtocol.Name) ? GraphQLTransportWsProtocol.Name
            : requested.Contains(SubscriptionsTransportWsProtocol.Name) ? SubscriptionsTransportWsProtocol.Name
            : null;
        var limits = options.Value;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = limits.KeepAliveInterval,
            KeepAliveTimeout = limits.KeepAliveTimeout,
        });
        using var open = metrics.WebSocketOpened(subprotocol);
        var connection = new WebSocketConnection(socket, limits, logger);
        IWebSocketProtocol protocol = subprotocol switch
        {
            GraphQLTransportWsProtocol.Name => new GraphQLTransportWsProtocol(_services, context.User, context.Connection.RemoteIpAddress),
            SubscriptionsTransportWsProtocol.Name => new SubscriptionsTransportWsProtocol(_services, context.User, context.Connection.RemoteIpAddress),
            _ => new RefusedProtocol(),
        };
        await connection.RunAsync(protocol, context.RequestAborted);
    }

    // WebSockets are outside CORS: a browser opens one to any server from any page, only telling the server the
    // page's Origin. Without this check any site a user visits could drive the API as them (in Development, as
    // the local user). No Origin means no browser (a script, a service), which CORS does not concern either.
    private async Task<bool> IsOriginAllowedAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsSameHost(origin, context.Request))
            return true;
        var policy = await corsPolicies.GetPolicyAsync(context, policyName: null);
        return policy is not null && cors.EvaluatePolicy(context, policy).IsOriginAllowed;
    }

    // The host only, not the scheme: behind a proxy that ends TLS the page is https and the upgrade reaches us as http.
    private static bool IsSameHost(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Closes at once: the client asked for no subprotocol this server speaks.</summary>
    private sealed class RefusedProtocol : IWebSocketProtocol
    {
        public void Opened(WebSocketConnection connection) =>
            connection.Close((WebSocketCloseStatus)CloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable");

        public ValueTask ReceivedAsync(ReadOnlyMemory<byte> message) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
