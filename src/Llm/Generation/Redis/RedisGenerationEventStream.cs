using System.Runtime.CompilerServices;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// Generation events across instances, over Redis Streams. The instance that runs a generation writes to its own log
/// first (its viewers read it at once, as with <see cref="InMemoryGenerationEventStream"/>), and its publisher copies
/// the log to one Redis stream per generation, trimmed to about <see cref="GenerationOptions.ReplayBufferSize"/> events
/// and expiring <see cref="GenerationOptions.RetainFinishedFor"/> after the final event. Viewers on other instances
/// read the instance's mirror of that stream. Positions (chunk i at i + 1) are the same everywhere, so a viewer resumes
/// with <c>after</c> on any instance.
/// </summary>
public sealed class RedisGenerationEventStream : IGenerationEventStream, IAsyncDisposable
{
    private readonly LocalGenerationLogs _local;
    private readonly RedisGenerationStore _store;
    private readonly RedisGenerationPublisher _publisher;
    private readonly RedisGenerationMirrors _mirrors;
    private readonly GenerationOptions _options;

    public RedisGenerationEventStream(
        RedisConnection redis, IOptions<GenerationOptions> options, IOptions<GenerationStreamOptions> streamOptions,
        TimeProvider clock, ILogger<RedisGenerationEventStream> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(streamOptions);
        _options = options.Value;
        _local = new LocalGenerationLogs(options, clock);
        _store = new RedisGenerationStore(redis, streamOptions.Value);
        _publisher = new RedisGenerationPublisher(_store, _options, clock, logger);
        _mirrors = new RedisGenerationMirrors(_store, _options, clock, logger);
    }

    public async ValueTask OpenAsync(GenerationStarted started, CancellationToken cancellationToken)
    {
        var log = _local.Open(started);
        _publisher.Track(log);
        // Written before the caller hands the id out, so a viewer on any instance finds the generation at once. While
        // Redis is away the generation starts anyway; the publisher writes the start with its first events.
        try
        {
            await CallAsync(database => database.StringSetAsync(_store.Keys.Start(started.GenerationId),
                GenerationStreamEntry.EncodeStarted(started), _store.Options.RunningStreamTtl), cancellationToken);
        }
        catch (GenerationStreamException)
        {
        }
    }

    public ValueTask AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        _local.Append(generationEvent);
        _publisher.Notify(generationEvent.GenerationId);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<GenerationStarted?> FindAsync(Guid generationId, CancellationToken cancellationToken)
    {
        if ((_local.Find(generationId)?.Started ?? _mirrors.Find(generationId)) is { } started)
            return started;
        return GenerationStreamEntry.DecodeStarted(
            await CallAsync(database => database.StringGetAsync(_store.Keys.Start(generationId)), cancellationToken));
    }

    public IAsyncEnumerable<GenerationEvent> ReadAsync(Guid generationId, int? afterIndex, CancellationToken cancellationToken) =>
        _local.Find(generationId) is { } log
            ? log.ReadAsync(afterIndex, cancellationToken)
            : ReadMirroredAsync(generationId, afterIndex, cancellationToken);

    private async IAsyncEnumerable<GenerationEvent> ReadMirroredAsync(
        Guid generationId, int? afterIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var mirror = await _mirrors.AcquireAsync(generationId, cancellationToken) ?? throw LocalGenerationLogs.NotFound();
        try
        {
            await foreach (var generationEvent in mirror.Log.ReadAsync(afterIndex, cancellationToken))
                yield return generationEvent;
        }
        finally
        {
            _mirrors.Release(mirror);
        }
    }

    public async ValueTask<IReadOnlyList<TokenChunk>?> ReadRetainedAsync(Guid generationId, int afterIndex, CancellationToken cancellationToken)
    {
        if (_local.Find(generationId) is { } log)
            return log.Retained(afterIndex);
        var keys = _store.Keys;
        var wanted = Math.Max(1, (long)afterIndex + 2);
        var chunks = new List<TokenChunk>();
        var from = wanted;
        while (true)
        {
            var page = await CallAsync(database => database.StreamRangeAsync(keys.Events(generationId), GenerationStreamEntry.Id(from), "+", _store.Options.StreamBatchSize), cancellationToken);
            if (from == wanted && page.Length == 0)
                return await CallAsync(database => database.KeyExistsAsync(keys.Start(generationId)), cancellationToken) ? [] : null;
            foreach (var entry in page)
            {
                var (first, events) = GenerationStreamEntry.Decode(generationId, entry);
                // Trimmed past what was asked for, or events lost on the way: not gap-free.
                if (first > from)
                    return null;
                chunks.AddRange(events.OfType<TokenChunk>().Where(c => c.Index + 1 >= from));
                from = GenerationStreamEntry.LastPosition(entry.Id) + 1;
            }
            if (page.Length < _store.Options.StreamBatchSize)
                return chunks;
        }
    }

    public async ValueTask<bool> EndOrphanAsync(GenerationEvent final, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(final);
        var field = GenerationStreamEntry.EncodeFinal(final);
        if (_local.Find(final.GenerationId) is not null)
        {
            if (!_local.TryFinish(final))
                return false;
            _publisher.Notify(final.GenerationId);
            return true;
        }
        var keys = _store.Keys;
        var ended = await CallAsync(database => database.ScriptEvaluateAsync(RedisGenerationScripts.EndOrphan,
            [keys.Events(final.GenerationId), keys.Start(final.GenerationId)],
            [field.Name, field.Value, (long)_options.RetainFinishedFor.TotalMilliseconds, keys.Doorbell(final.GenerationId).ToString(),
                GenerationStreamEntry.CompletedField, GenerationStreamEntry.FailedField]), cancellationToken);
        return (long)ended == 1;
    }

    /// <summary>One bounded call; STREAM_UNAVAILABLE when Redis cannot answer it.</summary>
    private async Task<T> CallAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            var database = await _store.DatabaseAsync(cancellationToken);
            return await _store.BoundedAsync(call(database), cancellationToken);
        }
        catch (Exception e) when (RedisGenerationStore.IsUnavailable(e))
        {
            throw RedisGenerationStore.Unavailable();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _mirrors.DisposeAsync();
    }
}
