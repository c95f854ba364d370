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
internal sealed class RunningOperation : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly AsyncServiceScope _scope;
    private IDisposable? _subscription;
    private int _disposed;

    public RunningOperation(IServiceScopeFactory scopes, CancellationToken connectionClosed)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        _scope = scopes.CreateAsyncScope();
    }

    /// <summary>Completes when the operation has ended, however it ended.</summary>
    public Task Completion => _ended.Task;

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the operation; its results may reach the sink before this returns.</summary>
    public void Start(OperationExecutor executor, GraphQLRequest request, ClaimsPrincipal user, IOperationSink sink) =>
        _ = RunAsync(executor, request, user, sink);

    private async Task RunAsync(OperationExecutor executor, GraphQLRequest request, ClaimsPrincipal user, IOperationSink sink)
    {
        try
        {
            var result = await executor.ExecuteAsync(request, user, _scope.ServiceProvider, extraRule: null, _cancellation.Token);
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
                if (Interlocked.CompareExchange(ref _subscription, subscription, null) is not null || _disposed == 1)
                    subscription.Dispose();
                return; // the observer ends the operation
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
        _ended.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _cancellation.CancelAsync();
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        _cancellation.Dispose();
        await _scope.DisposeAsync();
        _ended.TrySetResult();
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
}
