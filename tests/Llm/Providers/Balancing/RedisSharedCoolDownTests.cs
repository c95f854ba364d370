using LlmPlatform.Llm.Tests.Limits;
using LlmPlatform.Testing.Stubs;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Providers.Balancing;

/// <summary>With <c>ConnectionStrings:Redis</c> set, a deployment cooled down on one instance is passed over on every other.</summary>
public sealed class RedisSharedCoolDownTests
{
    [Fact]
    public async Task CoolDownSetByOneInstance_MakesTheOtherSkipThatDeployment()
    {
        await using var east = await OpenAICompatibleStub.StartAsync();
        await using var west = await OpenAICompatibleStub.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var provider = "shared-" + Guid.NewGuid().ToString("N")[..12];
        var first = new RedisBalancingHost(provider, east, west, clock);
        var second = new RedisBalancingHost(provider, east, west, clock);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            first.Reset();
            east.Enqueue(StubFault.Status(500));
            for (var i = 0; i < 2 && east.Requests.Count == 0; i++)
                await first.RunAsync($"east fails on the first instance {i}");
            Assert.Single(east.Requests);

            // The second instance has its own memory and its own turn: only Redis tells it east is cooling down.
            for (var i = 0; i < 4; i++)
                Assert.Equal(1, (await second.RunAsync($"on the second instance {i}")).Usage.Attempts);

            Assert.Single(east.Requests);
            // Once the cool-down is over (on the instances' clock), the second instance calls east again.
            clock.Advance(BalancingHost.CoolDown + TimeSpan.FromSeconds(1));
            for (var i = 0; i < 2; i++)
                await second.RunAsync($"east is back {i}");
            Assert.Equal(2, east.Requests.Count);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestRedis.DeleteKeysAsync("llmplatform:cooldown:" + provider);
        }
    }

    private sealed class RedisBalancingHost(string provider, OpenAICompatibleStub east, OpenAICompatibleStub west, FakeTimeProvider clock)
        : BalancingHost(east, west, clock)
    {
        public override string Provider => provider;

        protected override bool SharesThroughRedis => true;
    }
}
