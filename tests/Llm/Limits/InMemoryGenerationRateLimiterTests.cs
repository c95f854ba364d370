using LlmPlatform.Llm.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Limits;

public sealed class InMemoryGenerationRateLimiterTests : GenerationRateLimiterContractTests
{
    protected override IGenerationRateLimiter Create(RateLimitOptions limits) =>
        new InMemoryGenerationRateLimiter(Options.Create(limits), Clock, NullLogger<InMemoryGenerationRateLimiter>.Instance);

    [Fact]
    public async Task TryAcquire_PastMaxTrackedCallers_NewCallersShareOneLimitUntilOthersGoIdle()
    {
        var limits = Limits(requestsPerMinute: 1);
        limits.MaxTrackedCallers = 1;
        var limiter = Create(limits);
        await AcquireAsync(limiter, 1, "user:first");

        // No room for a second caller: the newcomers count together.
        await AcquireAsync(limiter, 1, "user:second");
        var shared = await limiter.TryAcquireAsync("user:third", default);

        // A minute on, the first caller is idle and forgotten, and the next newcomer is tracked alone again.
        Clock.Advance(TimeSpan.FromMinutes(1));
        await AcquireAsync(limiter, 1, "user:third");
        Assert.Equal(RateLimit.RequestsPerMinute, shared?.Limit);
        Assert.NotNull(await limiter.TryAcquireAsync("user:third", default));
    }

    [Fact]
    public async Task RecordTokens_CallerIdleForAMinute_StillHasTodaysTokensCounted()
    {
        var limiter = Create(Limits(requestsPerMinute: 10, tokensPerDay: 100));
        await AcquireAsync(limiter, 1);
        await limiter.RecordTokensAsync("user:ada", 100, default);

        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(RateLimit.TokensPerDay, (await limiter.TryAcquireAsync("user:ada", default))?.Limit);
    }
}
