namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>What every WebSocket connection's protocol works with, shared by all connections.</summary>
internal sealed record ProtocolServices(
    OperationExecutor Executor,
    IServiceScopeFactory Scopes,
    OperationMessages Messages,
    TransportOptions Options,
    ICallerAuthenticator Authenticator,
    TimeProvider Clock);
