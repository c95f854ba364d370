namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Presents an async stream as the observable the engine's subscriptions take. Disposing the subscription
/// cancels the enumeration, so a client's `complete` or a dropped socket reaches the producer.
/// </summary>
public sealed class AsyncEnumerableObservable<T>(Func<CancellationToken, IAsyncEnumerable<T>> source) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription();
        _ = subscription.RunAsync(source, observer);
        return subscription;
    }

    private const int YieldEvery = 32;

    private sealed class Subscription : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();

        public async Task RunAsync(Func<CancellationToken, IAsyncEnumerable<T>> source, IObserver<T> observer)
        {
            // Off the subscriber's thread: Subscribe must return before the first event is pushed.
            await Task.Yield();
            try
            {
                var pushed = 0;
                await foreach (var item in source(_cancellation.Token).WithCancellation(_cancellation.Token))
                {
                    // A source that never waits would keep this thread to itself, and the connection's writer,
                    // queued behind it, could not drain what it pushes: a client reading at full speed would then
                    // look too slow and be dropped. Now and then, let the writer run.
                    if (++pushed % YieldEvery == 0)
                        await Task.Yield();
                    // A source that is ahead of this reader (a fast provider, a replay) hands out items without ever
                    // waiting, so it never sees the token: without this check an unsubscribed reader would run to the
                    // end of the stream, and a generation it watched would not learn that its viewer left.
                    _cancellation.Token.ThrowIfCancellationRequested();
                    observer.OnNext(item);
                }
                observer.OnCompleted();
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                // Unsubscribed: nobody is listening any more.
            }
#pragma warning disable CA1031 // Whatever the stream throws goes to its observer, which reports it to the client.
            catch (Exception e)
#pragma warning restore CA1031
            {
                observer.OnError(e);
            }
        }

        public void Dispose()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
