using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;
using StackExchange.Redis;

namespace LlmPlatform.Graph.Tests.Schema.PersistedOperations;

/// <summary>
/// With <c>ConnectionStrings:Redis</c> set, a query registered through one instance runs by its hash on another:
/// both keep it in the test Redis, under the configured prefix and with the configured time to live.
/// </summary>
public sealed class RedisPersistedQueryTests : IAsyncLifetime
{
    private const string Variable = "LLMPLATFORM_TEST_REDIS";
    private static readonly TimeSpan TimeToLive = TimeSpan.FromHours(2);
    private readonly string _prefix = $"llmplatform-test:{Guid.NewGuid():N}:apq:";
    private RedisServer _first = null!;
    private RedisServer _second = null!;

    private static string ConnectionString =>
        // Never a silent skip: Redis is part of the suite. ./test.sh starts one and sets the variable.
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configuration
            ? configuration
            : throw new InvalidOperationException($"{Variable} is not set. Run ./test.sh, which starts a throwaway Redis.");

    private sealed class RedisServer : ConfiguredSqliteServer
    {
        public RedisServer(string prefix)
        {
            Set("ConnectionStrings:Redis", ConnectionString);
            Set("GraphQL:PersistedQueries:RedisKeyPrefix", prefix);
            Set("GraphQL:PersistedQueries:RedisTimeToLive", TimeToLive.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task InitializeAsync()
    {
        _first = new RedisServer(_prefix);
        _second = new RedisServer(_prefix);
        await _first.InitializeAsync();
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: _prefix + "*"))
                await redis.GetDatabase().KeyDeleteAsync(key);
        }
    }

    [Fact]
    public async Task RegisteredOnOneInstance_RunsByItsHashOnAnother_KeptWithItsTimeToLive()
    {
        var query = PersistedQueries.UniqueQuery();
        var hash = PersistedQueries.Sha256(query);
        using (var unknown = await PersistedQueries.PostAsync(_second, hash))
            Assert.Equal(["PERSISTED_QUERY_NOT_FOUND"], (await unknown.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ErrorCodes());

        using (var registered = await PersistedQueries.PostAsync(_first, hash, query))
            (await registered.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors();
        using var byHash = await PersistedQueries.PostAsync(_second, hash);

        Assert.True((await byHash.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors().Int("data.personas.totalCount") >= 0);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var key = _prefix + hash;
        Assert.Equal(query, (string?)await redis.GetDatabase().StringGetAsync(key));
        Assert.InRange(await redis.GetDatabase().KeyTimeToLiveAsync(key) ?? TimeSpan.Zero, TimeSpan.FromHours(1), TimeToLive);
    }
}
