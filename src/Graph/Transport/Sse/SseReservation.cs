using System.Net;
using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;
using LlmPlatform.Graph.Transport.Http;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// One reservation of graphql-sse's single connection mode and the one event stream that fulfils it: the operations
/// posted to it, by id, whose results it carries tagged with their id. It ends, stopping them all, when its stream
/// closes, or when it expires before a stream connected.
/// </summary>
internal sealed class SseReservation : IAsyncDisposable
{
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly TransportOptions _options;
    private readonly Action<SseReservation> _removed;
    private ITimer? _expiry;
    private int _connected;
    private int _disposed;

    public SseReservation(string token, string caller, TransportOptions options, ILogger logger, Action<SseReservation> removed)
    {
        Token = token;
        Caller = caller;
        _options = options;
        _removed = removed;
        // Results queue here from the first operation on, before the stream connects, and go out once it does.
        Stream = new ResponseStream(options.OutboundBufferMessages, SseFraming.Comment, () => _ = DisposeAsync(), logger);
    }

    public string Token { get; }

    /// <summary>Who made the reservation; only they may run and stop operations on it.</summary>
    public string Caller { get; }

    public ResponseStream Stream { get; }

    /// <summary>Fires when the reservation ends, however it ends.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>True for the first stream to claim the reservation; the protocol allows one only.</summary>
    public bool TryConnect()
    {
        if (Interlocked.Exchange(ref _connected, 1) == 1)
            return false;
        _expiry?.Dispose();
        return true;
    }

    public void ExpireUnlessConnected(TimeProvider clock, TimeSpan timeout) =>
        _expiry = clock.CreateTimer(static state =>
        {
            var reservation = (SseReservation)state!;
            if (Volatile.Read(ref reservation._connected) == 0)
                _ = reservation.DisposeAsync();
        }, this, timeout, Timeout.InfiniteTimeSpan);

    /// <summary>Starts an operation under <paramref name="id"/>, or says why not (a duplicate id, too many running).</summary>
    public RequestError? Start(string id, GraphQLRequest request, ClaimsPrincipal user, IPAddress? remoteAddress, long receivedAt, OperationServices services)
    {
        var running = new RunningOperation(services.Scopes, Closing);
        var operation = new Operation(running);
        var sink = new FramedSink(new SseFraming(services.Serializer, id), message => SendIfLive(id, operation, message), () => Finish(id, operation));
        // Each operation carries its own bearer token, so each ends when that token expires.
        operation.Expiry = TokenExpiry.Schedule(services.Authenticator, user, services.Clock, () => sink.Failed(TokenExpiry.Error()));
        lock (_operations)
        {
            if (Volatile.Read(ref _disposed) == 1)
                return Refuse(new RequestError(StatusCodes.Status404NotFound, "STREAM_NOT_FOUND", "The event stream has closed; reserve a new one with PUT."));
            if (_operations.ContainsKey(id))
                return Refuse(new RequestError(StatusCodes.Status409Conflict, "DUPLICATE_OPERATION_ID", $"An operation with id {id} is already running on this stream."));
            if (_operations.Count >= _options.MaxOperationsPerConnection)
                return Refuse(new RequestError(StatusCodes.Status429TooManyRequests, "TOO_MANY_OPERATIONS", $"At most {_options.MaxOperationsPerConnection} operations may run on one connection."));
            // Registered before it starts: a fast result finds it live.
            _operations.Add(id, operation);
        }
        running.Start(services.Executor, request, user, remoteAddress, receivedAt, sink);
        return null;

        RequestError Refuse(RequestError error)
        {
            _ = operation.DisposeAsync();
            return error;
        }
    }

    /// <summary>The client stopped an operation (DELETE): nothing more of it is sent.</summary>
    public ValueTask StopAsync(string id)
    {
        Operation? operation;
        lock (_operations)
            _operations.TryGetValue(id, out operation);
        return operation is not null && Remove(id, operation) ? operation.DisposeAsync() : ValueTask.CompletedTask;
    }

    private bool SendIfLive(string id, Operation operation, byte[] message)
    {
        // Under the gate that removing takes too: once stopped, no result of the operation is queued any more.
        lock (operation.Running.SendGate)
        {
            lock (_operations)
            {
                if (!_operations.TryGetValue(id, out var live) || !ReferenceEquals(live, operation))
                    return false;
            }
            return Stream.Write(message);
        }
    }

    private void Finish(string id, Operation operation)
    {
        if (Remove(id, operation))
            _ = operation.DisposeAsync();
    }

    // Only this operation, not a later one that reuses its id.
    private bool Remove(string id, Operation operation)
    {
        lock (operation.Running.SendGate)
        {
            lock (_operations)
                return _operations.TryGetValue(id, out var live) && ReferenceEquals(live, operation) && _operations.Remove(id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _removed(this);
        _expiry?.Dispose();
        await _closing.CancelAsync();
        Stream.Complete();
        Operation[] operations;
        lock (_operations)
        {
            operations = [.. _operations.Values];
            _operations.Clear();
        }
        foreach (var operation in operations)
            await operation.DisposeAsync();
    }

    private sealed class Operation(RunningOperation running) : IAsyncDisposable
    {
        public RunningOperation Running { get; } = running;

        public ITimer? Expiry { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Expiry is not null)
                await Expiry.DisposeAsync();
            await Running.DisposeAsync();
        }
    }
}

/// <summary>What a reservation needs to run operations: the executor and the services around it.</summary>
internal sealed record OperationServices(
    OperationExecutor Executor, IServiceScopeFactory Scopes, IGraphQLTextSerializer Serializer, ICallerAuthenticator Authenticator, TimeProvider Clock);
