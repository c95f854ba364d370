using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Tests.Limits;

namespace LlmPlatform.Llm.Tests.Budgets;

/// <summary>With <c>ConnectionStrings:Redis</c> set, what a user spends on one instance counts against their budget on every other.</summary>
public sealed class RedisSharedBudgetsTests
{
    [Fact]
    public async Task Start_AfterSpendingTheBudgetOnAnotherInstance_IsBudgetExceeded()
    {
        var prefix = TestRedis.UniquePrefix();
        var first = new RedisBudgetedHost(prefix);
        var second = new RedisBudgetedHost(prefix);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            await WatchToTheEndAsync(first, await StartAsync(first, "spend it on the first instance"));
            // Each instance has a database of its own: only Redis can tell the second what the first spent.
            var refused = await StartAsync(second, "on the second instance");

            Assert.Equal([GenerationErrorCodes.BudgetExceeded], refused.Errors.Select(e => e.Code));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestRedis.DeleteKeysAsync(prefix);
        }
    }

    private static Task<GenerationStart> StartAsync(LlmHost host, string prompt) =>
        host.Get<GenerationService>().StartAsync(new GenerationRequest(null, null, prompt, null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);

    private static async Task WatchToTheEndAsync(LlmHost host, GenerationStart start)
    {
        Assert.Empty(start.Errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        GenerationEvent? last = null;
        await foreach (var generationEvent in host.Get<GenerationService>().WatchAsync(start.Started!.GenerationId, null, new Viewer(LocalUser.Id, false), timeout.Token))
            last = generationEvent;
        Assert.IsType<GenerationCompleted>(last);
    }

    /// <summary>One instance, on a database of its own and the test Redis, where every user may spend one token a day.</summary>
    private sealed class RedisBudgetedHost(string keyPrefix) : LlmHost
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            .. base.Settings,
            new("ConnectionStrings:Redis", TestRedis.ConnectionString),
            new("Budgets:Roles:user:DailyTokens", "1"),
            new("Budgets:RedisKeyPrefix", keyPrefix),
        ];
    }
}
