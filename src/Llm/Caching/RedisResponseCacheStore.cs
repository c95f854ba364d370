using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Caching;

/// <summary>Cached replies in Redis, shared by every instance; Redis expires them after their time to live.</summary>
public sealed class RedisResponseCacheStore(RedisConnection redis, IOptions<ResponseCacheOptions> options) : IResponseCacheStore
{
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var database = (await redis.GetAsync(cancellationToken)).GetDatabase();
        var value = await database.StringGetAsync(RedisKey(key));
        return value.IsNull ? null : (byte[]?)value;
    }

    public async Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var database = (await redis.GetAsync(cancellationToken)).GetDatabase();
        await database.StringSetAsync(RedisKey(key), value, timeToLive);
    }

    private RedisKey RedisKey(string key) => options.Value.RedisKeyPrefix + key;
}
