using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>
/// Persisted queries in Redis, shared by every instance: one key per hash, kept for
/// <see cref="PersistedQueryOptions.RedisTimeToLive"/> after its last use. While Redis is unreachable a hash is not
/// found, so clients send their query again and it runs: persisted queries save bandwidth, they are never needed.
/// </summary>
public sealed partial class RedisPersistedQueryStore(
    RedisConnection redis, IOptions<PersistedQueryOptions> options, ILogger<RedisPersistedQueryStore> logger) : IPersistedQueryStore
{
    private readonly PersistedQueryOptions _options = options.Value;

    public async ValueTask<string?> GetAsync(string hash, CancellationToken cancellationToken)
    {
        try
        {
            var database = (await redis.GetAsync(cancellationToken)).GetDatabase();
            // Reading a query renews its time to live, so the queries in use stay and the others expire.
            return await database.StringGetSetExpiryAsync(Key(hash), _options.RedisTimeToLive);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.Unavailable(logger, e.GetType().Name, e.Message);
            return null;
        }
    }

    public async ValueTask SetAsync(string hash, string query, CancellationToken cancellationToken)
    {
        try
        {
            var database = (await redis.GetAsync(cancellationToken)).GetDatabase();
            await database.StringSetAsync(Key(hash), query, _options.RedisTimeToLive);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.Unavailable(logger, e.GetType().Name, e.Message);
        }
    }

    private RedisKey Key(string hash) => _options.RedisKeyPrefix + hash;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Persisted queries are not shared: Redis did not answer ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);
    }
}
