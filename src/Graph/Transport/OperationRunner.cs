using System.Net;
using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;

namespace LlmPlatform.Graph.Transport;

/// <summary>What a streaming transport does with the results of one operation.</summary>
internal interface IOperationSink
{
    /// <summary>The operation was refused before it ran (parse or validation errors); it is over.</summary>
    void Refused(IReadOnlyList<ExecutionError> errors);

    /// <summary>One result: the only one of a query or mutation, or one event of a subscription.</summary>
    void Next(ExecutionResult result);

    /// <summary>The subscription's source failed; it is over.</summary>
    void Failed(ExecutionError error);

    /// <summary>The operation ended normally.</summary>
    void Completed();
}

/// <summary>
/// Runs one operation for a streaming transport (WebSocket, SSE) in a DI scope of its own that lives as long as
/// the operation, and feeds its results to a sink. Disposing it stops the operation and its source stream.
/// </summary>
internal sealed partial class RunningOperation : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly AsyncServiceScope _scope;
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private bool _sourceStopped;
    private int _disposed;

    private readonly ILogger _logger;

    public RunningOperation(IServiceScopeFactory scopes, CancellationToken connectionClosed)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        // A closing connection stops the source at once, not when the socket is finally released (after the close
        // handshake, or the close timeout for a client that reads nothing): nobody will receive its events, and a
        // generation left unwatched is cancelled now instead of running on for a client that is gone.
        _cancellation.Token.UnsafeRegister(static state => ((RunningOperation)state!).StopSource(), this);
        _scope = scopes.CreateAsyncScope();
        _logger = _scope.ServiceProvider.GetRequiredService<ILogger<RunningOperation>>();
    }

    /// <summary>
    /// Held by a transport while it queues a result of this operation, and while it stops the operation, so that once
    /// the client has stopped it no result of it is queued any more.
    /// </summary>
    public Lock SendGate { get; } = new();

    /// <summary>Completes when the operation has ended, however it ended.</summary>
    public Task Completion => _ended.Task;

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the operation; its results may reach the sink before this returns.</summary>
    public void Start(OperationExecutor executor, GraphQLRequest request, ClaimsPrincipal user, IPAddress? remoteAddress, long receivedAt, IOperationSink sink) =>
        _ = RunAsync(executor, request, user, remoteAddress, receivedAt, sink);

    private async Task RunAsync(
        OperationExecutor executor, GraphQLRequest request, ClaimsPrincipal user, IPAddress? remoteAddress, long receivedAt, IOperationSink sink)
    {
        try
        {
            var result = await executor.ExecuteAsync(request, user, remoteAddress, _scope.ServiceProvider, extraRule: null, receivedAt, _cancellation.Token);
            if (_cancellation.IsCancellationRequested)
                return;
            if (!result.Executed)
            {
                sink.Refused(result.Errors?.ToList() ?? []);
            }
            else if (result.Streams is { Count: > 0 } streams)
            {
                // One root field per subscription operation (a validation rule guarantees it).
                var observer = new SinkObserver(sink, this);
                var subscription = streams.Values.First().Subscribe(observer);
                lock (_gate)
                {
                    if (!_sourceStopped)
                    {
                        _subscription = subscription;
                        return; // the observer ends the operation
                    }
                }
                subscription.Dispose(); // stopped while it was being subscribed
            }
            else
            {
                sink.Next(result);
                sink.Completed();
            }
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Whatever broke, the client hears that the operation is over and its id is free again; the cause stays here.
            LogBroke(_logger, e, request.OperationName);
            if (!_cancellation.IsCancellationRequested && _disposed == 0)
                sink.Failed(InternalError());
        }
        _ended.TrySetResult();
    }

    /// <summary>What a client is told of a fault of ours: that it happened, not what it was.</summary>
    private static ExecutionError InternalError() => new("The operation failed on the server.") { Code = "INTERNAL_SERVER_ERROR" };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _cancellation.CancelAsync(); // stops the source (see the constructor)
        StopSource();
        _cancellation.Dispose();
        await _scope.DisposeAsync();
        _ended.TrySetResult();
    }

    private void StopSource()
    {
        IDisposable? subscription;
        lock (_gate)
        {
            _sourceStopped = true;
            subscription = _subscription;
            _subscription = null;
        }
        subscription?.Dispose();
    }

    private sealed class SinkObserver(IOperationSink sink, RunningOperation operation) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (operation._disposed == 0)
                sink.Next(value);
        }

        public void OnError(Exception error)
        {
            if (error is not ExecutionError)
                LogStreamBroke(operation._logger, error);
            if (operation._disposed == 0)
                sink.Failed(error as ExecutionError ?? new ExecutionError("The stream failed.") { Code = "STREAM_ERROR" });
            operation._ended.TrySetResult();
        }

        public void OnCompleted()
        {
            if (operation._disposed == 0)
                sink.Completed();
            operation._ended.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Operation {OperationName} broke while starting or running; it was ended with an error")]
    private static partial void LogBroke(ILogger logger, Exception exception, string? operationName);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "A subscription's source stream broke; the operation was ended with an error")]
    private static partial void LogStreamBroke(ILogger logger, Exception exception);
}
