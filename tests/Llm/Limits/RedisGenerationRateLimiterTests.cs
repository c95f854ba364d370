using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Tests.Limits;

/// <summary>The contract against a real Redis, and what only a shared store gives: one limit for several instances.</summary>
public sealed class RedisGenerationRateLimiterTests : GenerationRateLimiterContractTests, IAsyncLifetime
{
    private readonly string _prefix = TestRedis.UniquePrefix();
    private readonly List<RedisConnection> _connections = [];

    protected override IGenerationRateLimiter Create(RateLimitOptions limits) => CreateOn(TestRedis.ConnectionString, limits);

    [Fact]
    public async Task TryAcquire_TwoInstances_EnforceOneLimit()
    {
        var limits = Limits(requestsPerMinute: 3, tokensPerMinute: 500);
        var first = Create(limits);
        var second = Create(limits);

        await AcquireAsync(first, 2);
        await AcquireAsync(second, 1);
        var refused = await first.TryAcquireAsync("user:ada", default);
        Clock.Advance(refused!.RetryAfter);
        await AcquireAsync(second, 1);
        await first.RecordTokensAsync("user:ada", 500, default);

        Assert.Equal(RateLimit.RequestsPerMinute, refused.Limit);
        Assert.Equal(RateLimit.TokensPerMinute, (await second.TryAcquireAsync("user:ada", default))?.Limit);
    }

    [Fact]
    public async Task TryAcquire_RedisUnreachable_LetsGenerationsThrough()
    {
        // A port nothing listens on; short timeouts, so the test does not wait out the defaults.
        var limiter = CreateOn("127.0.0.1:1,connectTimeout=200,asyncTimeout=200", Limits(requestsPerMinute: 1));

        await AcquireAsync(limiter, 3);
        await limiter.RecordTokensAsync("user:ada", 10, default);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
            await connection.DisposeAsync();
        await TestRedis.DeleteKeysAsync(_prefix);
    }

    // Each limiter has a connection of its own, as each instance of the server would.
    private RedisGenerationRateLimiter CreateOn(string connectionString, RateLimitOptions limits)
    {
        limits.RedisKeyPrefix = _prefix;
        var connection = new RedisConnection(ConfigurationOptions.Parse(connectionString), NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisGenerationRateLimiter(connection, Options.Create(limits), Clock, NullLogger<RedisGenerationRateLimiter>.Instance);
    }
}
