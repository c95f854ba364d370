using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Limits;

namespace LlmPlatform.Llm.Tests.Limits;

/// <summary>With <c>ConnectionStrings:Redis</c> set, two instances of the pipeline enforce one limit per caller.</summary>
public sealed class RedisSharedLimitsTests
{
    [Fact]
    public async Task Start_OnTwoInstancesSharingRedis_CountsAgainstOneRequestsPerMinute()
    {
        var prefix = TestRedis.UniquePrefix();
        var first = new RedisLimitedHost(prefix);
        var second = new RedisLimitedHost(prefix);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();

            var accepted = await StartAsync(first, "on the first instance");
            var refused = await StartAsync(second, "on the second instance");

            Assert.Empty(accepted.Errors);
            Assert.Equal([GenerationErrorCodes.RateLimited], refused.Errors.Select(e => e.Code));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestRedis.DeleteKeysAsync(prefix);
        }
    }

    private static Task<GenerationStart> StartAsync(LlmHost host, string prompt) =>
        host.Get<GenerationService>().StartAsync(
            new GenerationRequest(null, null, prompt, null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);

    /// <summary>One instance of the pipeline, on a database of its own and the test Redis, allowing one generation a minute.</summary>
    private sealed class RedisLimitedHost(string keyPrefix) : LlmHost
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            .. base.Settings.Where(s => !s.Key.StartsWith(RateLimitOptions.Section, StringComparison.Ordinal)),
            new("ConnectionStrings:Redis", TestRedis.ConnectionString),
            new("Llm:RateLimits:Enabled", "true"),
            new("Llm:RateLimits:RequestsPerMinute", "1"),
            new("Llm:RateLimits:RedisKeyPrefix", keyPrefix),
        ];
    }
}
