using System.Globalization;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// Signals shared by the instances on one Redis. "Watched" marks are a hash per generation (instance to time); a cancel
/// request sets a flag and is published on one channel that each instance subscribes to once. Every key expires after
/// <see cref="GenerationStreamOptions.SignalTtl"/>.
/// </summary>
/// <remarks>
/// While Redis is unreachable, marks are dropped, questions answer "unknown" (null, false) and a cancel request throws
/// STREAM_UNAVAILABLE, since its caller must not believe it was delivered.
/// </remarks>
public sealed partial class RedisGenerationSignals : IGenerationSignals, IAsyncDisposable
{
    private static readonly TimeSpan SubscribeRetryDelay = TimeSpan.FromSeconds(1);

    // Tells this instance's own marks from the others'.
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly RedisGenerationStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancelHandlers _handlers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _subscribing;

    public RedisGenerationSignals(
        RedisConnection redis, IOptions<GenerationStreamOptions> options, TimeProvider clock, ILogger<RedisGenerationSignals> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = new RedisGenerationStore(redis, options.Value);
        _clock = clock;
        _logger = logger;
        _handlers = new CancelHandlers(logger);
    }

    public async ValueTask MarkWatchedAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var key = _store.Keys.Watched(generationId);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        await TryAsync(async database =>
        {
            var batch = database.CreateBatch();
            var set = batch.HashSetAsync(key, _instance, now);
            var expire = batch.KeyExpireAsync(key, _store.Options.SignalTtl);
            batch.Execute();
            await Task.WhenAll(set, expire);
            return true;
        }, cancellationToken);
    }

    public async ValueTask<DateTimeOffset?> LastWatchedAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var marks = await TryAsync(database => database.HashGetAllAsync(_store.Keys.Watched(generationId)), cancellationToken) ?? [];
        long? latest = null;
        foreach (var mark in marks)
        {
            if (mark.Name != _instance && long.TryParse((string?)mark.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at))
                latest = Math.Max(latest ?? long.MinValue, at);
        }
        return latest is { } milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
    }

    public async ValueTask RequestCancelAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var keys = _store.Keys;
        try
        {
            var database = await _store.DatabaseAsync(cancellationToken);
            var batch = database.CreateBatch();
            // The flag first: an instance that misses the message still finds it when it looks.
            var flag = batch.StringSetAsync(keys.CancelRequested(generationId), 1, _store.Options.SignalTtl);
            var message = batch.PublishAsync(keys.CancelRequests, generationId.ToString("N"));
            batch.Execute();
            await _store.BoundedAsync(Task.WhenAll(flag, message), cancellationToken);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            Log.Unavailable(_logger, e.GetType().Name, e.Message);
            throw RedisGenerationStore.Unavailable();
        }
    }

    public async ValueTask<bool> IsCancelRequestedAsync(Guid generationId, CancellationToken cancellationToken) =>
        await TryAsync(async database => (bool?)await database.KeyExistsAsync(_store.Keys.CancelRequested(generationId)), cancellationToken) ?? false;

    public IDisposable OnCancelRequested(Func<Guid, ValueTask> handler)
    {
        var registration = _handlers.Add(handler);
        lock (_gate)
            _subscribing ??= Task.Run(SubscribeAsync);
        return registration;
    }

    /// <summary>Completes once this instance listens for cancel requests (tests wait for it).</summary>
    internal Task Subscribed
    {
        get { lock (_gate) return _subscribing ?? Task.CompletedTask; }
    }

    /// <summary>Subscribes to the cancel channel, retrying until Redis answers; the client renews it after a reconnect.</summary>
    private async Task SubscribeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var multiplexer = await _store.ConnectedAsync(_stopping.Token);
                await _store.BoundedAsync(multiplexer.GetSubscriber().SubscribeAsync(_store.Keys.CancelRequests, OnMessage), _stopping.Token);
                return;
            }
            catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
            {
                Log.Unavailable(_logger, e.GetType().Name, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(SubscribeRetryDelay, _clock, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        if (Guid.TryParseExact((string?)message, "N", out var generationId))
            _ = _handlers.InvokeAsync(generationId).AsTask();
    }

    /// <summary>A bounded call whose failure only means "unknown": logged, and null.</summary>
    private async Task<T?> TryAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            var database = await _store.DatabaseAsync(cancellationToken);
            return await _store.BoundedAsync(call(database), cancellationToken);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            Log.Unavailable(_logger, e.GetType().Name, e.Message);
            return default;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_subscribing is { } subscribing)
            await subscribing.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3322, Level = LogLevel.Warning, Message = "Generation signals: Redis did not answer ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);
    }
}
