using System.Net;
using System.Security.Claims;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// Who runs the operation of this DI scope. The executor sets it before the operation runs, so services resolved
/// in the scope (of a request, or of one WebSocket or SSE operation) know their caller without an HTTP context.
/// </summary>
public sealed class OperationCaller
{
    private static readonly ClaimsPrincipal Nobody = new(new ClaimsIdentity());

    public ClaimsPrincipal User { get; internal set; } = Nobody;

    /// <summary>The client's address, for limits on callers without an account.</summary>
    public IPAddress? RemoteIpAddress { get; internal set; }

    /// <summary>
    /// The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the transport read the operation (the WebSocket
    /// message, or the HTTP request reaching the endpoint), where the server's measured overhead begins.
    /// </summary>
    public long ReceivedAt { get; internal set; }
}
