using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// The exact-match response cache: deterministic requests (temperature 0) that opted in are looked up before the
/// provider is called, and their completed replies stored. The cache is an optimisation: when its store fails, the
/// generation goes to the provider as if nothing were cached.
/// </summary>
public sealed partial class ResponseCache(
    IResponseCacheStore store, LlmMetrics metrics, IOptions<ResponseCacheOptions> options, ILogger<ResponseCache> logger)
{
    /// <summary>The request's cache entry, a hit or a miss to fill; null when the request may not use the cache.</summary>
    public async Task<ResponseCacheLookup?> LookUpAsync(ResponseCacheRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Only a deterministic request has one right answer to replay.
        if (!options.Value.Enabled || !request.Wanted || request.Temperature != 0)
            return null;
        var key = ResponseCacheKey.Compute(request);
        CachedReply? reply = null;
        try
        {
            reply = await store.GetAsync(key, cancellationToken) is { } bytes ? CachedReply.Deserialize(bytes) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(logger, request.Provider, request.Model, e.GetType().Name);
        }
        metrics.CacheLookedUp(request.Provider, request.Model, reply is not null);
        return new ResponseCacheLookup(this, key, reply);
    }

    internal async Task StoreAsync(string key, CachedReply reply)
    {
        var bytes = reply.Serialize();
        if (bytes.Length > options.Value.MaxEntryBytes)
        {
            LogTooLarge(logger, bytes.Length, options.Value.MaxEntryBytes);
            return;
        }
        try
        {
            await store.SetAsync(key, bytes, options.Value.Ttl, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStoreFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3450, Level = LogLevel.Warning, Message = "Response cache: looking up a reply of {Provider}/{Model} failed ({ExceptionType}); calling the provider")]
    private static partial void LogLookupFailed(ILogger logger, string provider, string model, string exceptionType);

    [LoggerMessage(EventId = 3451, Level = LogLevel.Warning, Message = "Response cache: storing a reply failed ({ExceptionType})")]
    private static partial void LogStoreFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 3452, Level = LogLevel.Debug, Message = "Response cache: a reply of {Bytes} bytes exceeds Llm:Cache:MaxEntryBytes ({MaxEntryBytes}); not stored")]
    private static partial void LogTooLarge(ILogger logger, int bytes, int maxEntryBytes);
}

/// <summary>One request's place in the cache: the reply to replay (<see cref="Hit"/>), or a miss to fill once the provider has answered.</summary>
public sealed class ResponseCacheLookup
{
    private readonly ResponseCache _cache;
    private readonly string _key;

    internal ResponseCacheLookup(ResponseCache cache, string key, CachedReply? hit)
    {
        _cache = cache;
        _key = key;
        Hit = hit;
    }

    public CachedReply? Hit { get; }

    /// <summary>A hit's reply as a provider would stream it; null on a miss.</summary>
    public CachedReplyChatService? Replay => Hit is { } hit ? new CachedReplyChatService(hit) : null;

    /// <summary>A hit's usage: what the reply took, marked cached, at no cost (no provider was paid); a miss's unchanged.</summary>
    public GenerationUsage Account(GenerationUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Hit is null ? usage : usage with { Cost = 0, Cached = true };
    }

    /// <summary>
    /// Stores a miss's reply when it is whole: completed (stopped or cut at the token limit), never failed, cancelled or
    /// truncated, and never a replayed hit again.
    /// </summary>
    public Task StoreIfCompleteAsync(string text, FinishReason finish, GenerationStatus status, GenerationUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (Hit is not null || status != GenerationStatus.Completed || finish is not (FinishReason.Stop or FinishReason.Length))
            return Task.CompletedTask;
        return _cache.StoreAsync(_key, new CachedReply(text, finish, usage.PromptTokens, usage.CompletionTokens, usage.Estimated));
    }
}
