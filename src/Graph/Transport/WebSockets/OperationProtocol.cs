using System.Net;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>
/// What both WebSocket subprotocols share: the init deadline, keep-alive, and the live operations by id,
/// each in its own DI scope, stopped when the client ends it or the connection closes. Subclasses name the messages.
/// </summary>
internal abstract class OperationProtocol(ProtocolServices services, ClaimsPrincipal upgradeUser, IPAddress? remoteAddress)
    : IWebSocketProtocol
{
    private readonly ConcurrentDictionary<string, RunningOperation> _operations = new(StringComparer.Ordinal);
    private readonly OperationExecutor executor = services.Executor;
    private readonly IServiceScopeFactory scopes = services.Scopes;
    private readonly OperationMessages messages = services.Messages;
    private readonly TransportOptions options = services.Options;
    private ClaimsPrincipal _user = upgradeUser;
    private Timer? _initTimeout;
    private Timer? _keepAlive;
    private ITimer? _tokenExpiry;
    private volatile bool _tokenExpired;
    private int _initReceived;

    protected WebSocketConnection Connection { get; private set; } = null!;

    protected OperationMessages Messages => messages;

    protected TransportOptions Options => options;

    protected bool Acknowledged { get; private set; }

    public void Opened(WebSocketConnection connection)
    {
        Connection = connection;
        _initTimeout = new Timer(_ =>
        {
            if (!Acknowledged)
                InitTimedOut();
        }, null, options.ConnectionInitTimeout, Timeout.InfiniteTimeSpan);
    }

    public abstract ValueTask ReceivedAsync(ReadOnlyMemory<byte> message);

    /// <summary>No init message arrived in time.</summary>
    protected abstract void InitTimedOut();

    /// <summary>A second init message arrived.</summary>
    protected abstract void InitRepeated();

    /// <summary>The message that keeps an idle connection alive.</summary>
    protected abstract byte[] KeepAliveMessage { get; }

    /// <summary>Tells the client the operation was refused before it ran (parse, validation, limits).</summary>
    protected abstract void SendRefused(string id, IReadOnlyList<ExecutionError> errors);

    protected abstract byte[] NextMessage(string id, ExecutionResult result);

    protected abstract byte[] FailedMessage(string id, ExecutionError error);

    protected abstract byte[] CompletedMessage(string id);

    /// <summary>The credentials in an init message are not valid: the connection is refused.</summary>
    protected abstract void InitForbidden();

    /// <summary>
    /// Accepts the connection, as the caller named by the bearer token in the init payload's <c>authorization</c>
    /// (else by the upgrade request's header, else nobody); false when it was refused or had already been initialised.
    /// </summary>
    protected async ValueTask<bool> InitialiseAsync(object? payload, byte[] acknowledgement)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) == 1)
        {
            InitRepeated();
            return false;
        }
        if (ConnectionInitPayload.Authorization(payload) is { } authorization)
        {
            if (await services.Authenticator.AuthenticateAsync(authorization, Connection.Closing) is not { } user)
            {
                InitForbidden();
                return false;
            }
            _user = user;
        }
        if (TokenExpiry.HasExpired(services.Authenticator, _user, services.Clock))
        {
            InitForbidden();
            return false;
        }
        _tokenExpiry = TokenExpiry.Schedule(services.Authenticator, _user, services.Clock, TokenExpired);
        _initTimeout?.Dispose();
        Acknowledged = true;
        Connection.Send(acknowledgement);
        _keepAlive = new Timer(_ => Connection.Send(KeepAliveMessage), null, options.KeepAliveInterval, options.KeepAliveInterval);
        return true;
    }

    protected bool IsRunning(string id) => _operations.ContainsKey(id);

    /// <summary>Starts an operation under <paramref name="id"/>, or refuses it past the per-connection cap.</summary>
    protected void Start(string id, GraphQLRequest request)
    {
        if (_tokenExpired)
        {
            SendRefused(id, [TokenExpiry.Error()]);
            return;
        }
        if (_operations.Count >= options.MaxOperationsPerConnection)
        {
            SendRefused(id, [new ExecutionError($"At most {options.MaxOperationsPerConnection} operations may run on one connection.") { Code = "TOO_MANY_OPERATIONS" }]);
            return;
        }
        // Registered before it starts: a fast result finds it, and a duplicate id is seen at once.
        var operation = new RunningOperation(scopes, Connection.Closing);
        _operations[id] = operation;
        operation.Start(executor, request, _user, remoteAddress, Connection.MessageReceivedAt, new Sink(this, id, operation));
    }

    /// <summary>The client ended an operation: stop it and send nothing more for it.</summary>
    protected ValueTask StopAsync(string id)
    {
        if (!_operations.TryGetValue(id, out var operation))
            return ValueTask.CompletedTask;
        // Removed under the gate its results are queued under: a result being queued right now goes out before
        // whatever this connection answers next, and none is queued after (PROTOCOL.md: no further events).
        lock (operation.SendGate)
            _operations.TryRemove(KeyValuePair.Create(id, operation));
        return operation.DisposeAsync();
    }

    protected void Close(int code, string reason) => Connection.Close((WebSocketCloseStatus)code, reason);

    // The token the connection was accepted with has expired: its operations end with an error, and so would new ones;
    // the socket stays open so the client can tell why, and reconnect with a new token.
    private void TokenExpired()
    {
        _tokenExpired = true;
        foreach (var (id, operation) in _operations)
        {
            lock (operation.SendGate)
            {
                if (!_operations.TryRemove(KeyValuePair.Create(id, operation)))
                    continue;
                Connection.Send(FailedMessage(id, TokenExpiry.Error()));
            }
            _ = operation.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_initTimeout is not null)
            await _initTimeout.DisposeAsync();
        if (_keepAlive is not null)
            await _keepAlive.DisposeAsync();
        if (_tokenExpiry is not null)
            await _tokenExpiry.DisposeAsync();
        foreach (var id in _operations.Keys)
        {
            if (_operations.TryRemove(id, out var operation))
                await operation.DisposeAsync();
        }
    }

    private void Finish(string id, RunningOperation operation)
    {
        if (_operations.TryRemove(KeyValuePair.Create(id, operation)))
            _ = operation.DisposeAsync();
    }

    // Only this operation, not a later one that reuses its id, may still write.
    private bool IsLive(string id, RunningOperation operation) =>
        _operations.TryGetValue(id, out var live) && ReferenceEquals(live, operation);

    private sealed class Sink(OperationProtocol protocol, string id, RunningOperation operation) : IOperationSink
    {
        public void Refused(IReadOnlyList<ExecutionError> errors)
        {
            lock (operation.SendGate)
            {
                if (protocol.IsLive(id, operation))
                    protocol.SendRefused(id, errors);
            }
            protocol.Finish(id, operation);
        }

        public void Next(ExecutionResult result) => SendIfLive(protocol.NextMessage(id, result));

        public void Failed(ExecutionError error)
        {
            SendIfLive(protocol.FailedMessage(id, error));
            protocol.Finish(id, operation);
        }

        public void Completed()
        {
            SendIfLive(protocol.CompletedMessage(id));
            protocol.Finish(id, operation);
        }

        private void SendIfLive(byte[] message)
        {
            lock (operation.SendGate)
            {
                if (protocol.IsLive(id, operation))
                    protocol.Connection.Send(message);
            }
        }
    }
}
