using StackExchange.Redis;

namespace LlmPlatform.Llm.Tests.Limits;

/// <summary>The test Redis, found through <see cref="Variable"/>; each user keeps to keys of its own prefix.</summary>
public static class TestRedis
{
    public const string Variable = "LLMPLATFORM_TEST_REDIS";

    /// <summary>The connection string of the test Redis; fails (never skips) when none is set.</summary>
    public static string ConnectionString =>
        // Never a silent skip: Redis is part of the suite. ./test.sh starts one and sets the variable.
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configuration
            ? configuration
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run ./test.sh, which starts a throwaway Redis, or set {Variable} to a Redis the tests may write to (host:port).");

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => $"llmplatform-test:{Guid.NewGuid():N}:";

    /// <summary>Deletes every key under <paramref name="prefix"/>.</summary>
    public static async Task DeleteKeysAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var database = redis.GetDatabase();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: prefix + "*"))
                await database.KeyDeleteAsync(key);
        }
    }
}
