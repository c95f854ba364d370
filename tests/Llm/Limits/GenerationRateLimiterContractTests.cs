using LlmPlatform.Llm.Limits;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Limits;

/// <summary>
/// What every rate limiter promises, in memory and in Redis alike: limits trip at their allowance, say which limit
/// and how long to wait, and recover exactly when that wait is over. Time is a fake clock; nothing here sleeps.
/// </summary>
public abstract class GenerationRateLimiterContractTests
{
    private const string Caller = "user:ada";

    /// <summary>Mid-morning UTC, a quarter second into a second: windows are counted in whole seconds.</summary>
    private static readonly DateTimeOffset Morning = new(2025, 3, 1, 10, 0, 0, 250, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Morning);

    /// <summary>A limiter with these limits, on <see cref="Clock"/>, that counts apart from any other test's.</summary>
    protected abstract IGenerationRateLimiter Create(RateLimitOptions limits);

    [Fact]
    public async Task TryAcquire_PastRequestsPerMinute_IsRefusedWithTheLimitAndAWaitOfAtMostAMinute()
    {
        var limiter = Create(Limits(requestsPerMinute: 3));

        for (var i = 0; i < 3; i++)
            Assert.Null(await limiter.TryAcquireAsync(Caller, default));
        var refusal = await limiter.TryAcquireAsync(Caller, default);

        Assert.NotNull(refusal);
        Assert.Equal(RateLimit.RequestsPerMinute, refusal.Limit);
        Assert.Equal(3, refusal.Allowance);
        Assert.InRange(refusal.RetryAfter, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1));
        Assert.Contains("3 generations a minute", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAcquire_RequestsPerMinute_RecoversExactlyAfterTheRetryAfter()
    {
        var limiter = Create(Limits(requestsPerMinute: 2));
        await AcquireAsync(limiter, 2);
        var refusal = await limiter.TryAcquireAsync(Caller, default);

        await ShouldRecoverExactlyAfterItsWaitAsync(limiter, refusal!);
    }

    [Fact]
    public async Task TryAcquire_RequestsSpreadOverTheMinute_FreeOneSlotAsEachLeavesTheWindow()
    {
        var limiter = Create(Limits(requestsPerMinute: 2));
        await AcquireAsync(limiter, 1);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await AcquireAsync(limiter, 1);

        var first = await limiter.TryAcquireAsync(Caller, default);
        Clock.Advance(first!.RetryAfter);
        await AcquireAsync(limiter, 1);
        var second = await limiter.TryAcquireAsync(Caller, default);

        // The first request left the window 60 s after its second began; the second one leaves 30 s after that.
        Assert.Equal(TimeSpan.FromSeconds(29.75), first.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), second!.RetryAfter);
    }

    [Fact]
    public async Task TryAcquire_Refused_CountsNothing()
    {
        var limiter = Create(Limits(requestsPerMinute: 2));
        await AcquireAsync(limiter, 2);
        RateLimitRefusal? refusal = null;
        for (var i = 0; i < 5; i++)
            refusal = await limiter.TryAcquireAsync(Caller, default);

        Clock.Advance(refusal!.RetryAfter);

        await AcquireAsync(limiter, 2);
        Assert.NotNull(await limiter.TryAcquireAsync(Caller, default));
    }

    [Fact]
    public async Task TryAcquire_OneCallerAtTheLimit_LeavesOthersAlone()
    {
        var limiter = Create(Limits(requestsPerMinute: 1));
        await AcquireAsync(limiter, 1);

        Assert.NotNull(await limiter.TryAcquireAsync(Caller, default));
        Assert.Null(await limiter.TryAcquireAsync("ip:192.0.2.7", default));
    }

    [Fact]
    public async Task TryAcquire_TokensPerMinuteSpent_IsRefusedUntilTheyLeaveTheMinute()
    {
        var limiter = Create(Limits(tokensPerMinute: 1_000));
        await AcquireAsync(limiter, 1);
        await limiter.RecordTokensAsync(Caller, 999, default);
        await AcquireAsync(limiter, 1);
        await limiter.RecordTokensAsync(Caller, 1, default);

        var refusal = await limiter.TryAcquireAsync(Caller, default);

        Assert.NotNull(refusal);
        Assert.Equal(RateLimit.TokensPerMinute, refusal.Limit);
        Assert.Equal(1_000, refusal.Allowance);
        await ShouldRecoverExactlyAfterItsWaitAsync(limiter, refusal);
    }

    [Fact]
    public async Task TryAcquire_DailyBudgetSpent_IsRefusedUntilMidnightUtc()
    {
        var limiter = Create(Limits(tokensPerDay: 5_000));
        await limiter.RecordTokensAsync(Caller, 3_000, default);
        Clock.Advance(TimeSpan.FromHours(1));
        await limiter.RecordTokensAsync(Caller, 2_000, default);
        Clock.Advance(TimeSpan.FromHours(1));

        var refusal = await limiter.TryAcquireAsync(Caller, default);

        Assert.NotNull(refusal);
        Assert.Equal(RateLimit.TokensPerDay, refusal.Limit);
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), Clock.GetUtcNow() + refusal.RetryAfter);
        await ShouldRecoverExactlyAfterItsWaitAsync(limiter, refusal);
    }

    [Fact]
    public async Task TryAcquire_SeveralLimitsReached_SaysTheOneWithTheLongestWait()
    {
        var limiter = Create(Limits(requestsPerMinute: 1, tokensPerMinute: 10, tokensPerDay: 10));
        await AcquireAsync(limiter, 1);
        await limiter.RecordTokensAsync(Caller, 10, default);

        var refusal = await limiter.TryAcquireAsync(Caller, default);

        Assert.Equal(RateLimit.TokensPerDay, refusal?.Limit);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task TryAcquire_LimitsOff_NeverRefuses(bool enabled, int limit)
    {
        var limits = Limits(requestsPerMinute: limit, tokensPerMinute: limit, tokensPerDay: limit);
        limits.Enabled = enabled;
        var limiter = Create(limits);

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await limiter.TryAcquireAsync(Caller, default));
            await limiter.RecordTokensAsync(Caller, 1_000, default);
        }
    }

    protected static RateLimitOptions Limits(int requestsPerMinute = 0, int tokensPerMinute = 0, int tokensPerDay = 0) => new()
    {
        RequestsPerMinute = requestsPerMinute,
        TokensPerMinute = tokensPerMinute,
        TokensPerDay = tokensPerDay,
    };

    /// <summary>Fails unless the caller is still refused a millisecond before the refusal's wait is over, and not after.</summary>
    private async Task ShouldRecoverExactlyAfterItsWaitAsync(IGenerationRateLimiter limiter, RateLimitRefusal refusal)
    {
        Clock.Advance(refusal.RetryAfter - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await limiter.TryAcquireAsync(Caller, default));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await limiter.TryAcquireAsync(Caller, default));
    }

    protected static async Task AcquireAsync(IGenerationRateLimiter limiter, int times, string caller = Caller)
    {
        for (var i = 0; i < times; i++)
        {
            var refusal = await limiter.TryAcquireAsync(caller, default);
            Assert.True(refusal is null, $"Refused: {refusal}");
        }
    }
}
