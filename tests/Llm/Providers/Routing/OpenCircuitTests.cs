using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Llm.Tests.Providers;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Tests.Providers.Routing;

/// <summary>
/// An openai-compatible provider whose circuit opens after two failed calls (of three, the warm-up's success
/// included) for 30 s of a fake clock, with rate
/// limits on: three generations a minute per caller.
/// </summary>
public sealed class FakeClockBreakerHost : OpenAICompatibleHost
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Resilience:FailureRatio", "0.6"),
        new($"Llm:Providers:{Provider}:Resilience:MinimumThroughput", "2"),
        new($"Llm:Providers:{Provider}:Resilience:SamplingDuration", "00:01:00"),
        new($"Llm:Providers:{Provider}:Resilience:BreakDuration", BreakDuration.ToString()),
        new("Llm:RateLimits:Enabled", "true"),
        new("Llm:RateLimits:RequestsPerMinute", "3"),
        new("Llm:RateLimits:TokensPerMinute", "0"),
        new("Llm:RateLimits:TokensPerDay", "0"),
    ];

    protected override void ConfigureHost(HostApplicationBuilder builder)
    {
        base.ConfigureHost(builder);
        builder.Services.AddSingleton<TimeProvider>(Clock);
    }
}

public sealed class OpenCircuitTests(FakeClockBreakerHost host) : IClassFixture<FakeClockBreakerHost>
{
    [Fact]
    public async Task OpenCircuit_RefusesWithoutCallingChargingOrStoring_AndClosesAgainAfterTheBreak()
    {
        host.Stub.Reset();
        host.Stub.Enqueue(StubFault.Status(500));
        host.Stub.Enqueue(StubFault.Status(500));
        const string caller = "user:open-circuit";

        for (var i = 0; i < 2; i++)
        {
            var start = await host.TryStartAsync($"failing {i}", rateLimitKey: caller);
            Assert.Empty(start.Errors);
            Assert.IsType<GenerationFailed>((await host.WatchAllAsync(start.Started!.GenerationId))[^1]);
        }
        var generations = await host.ReadAsync(db => db.Generations.CountAsync());

        // Open now: refused before the call, the rate limit and the database.
        for (var i = 0; i < 3; i++)
        {
            var refused = Assert.Single((await host.TryStartAsync($"refused {i}", rateLimitKey: caller)).Errors);
            Assert.Equal(GenerationErrorCodes.ProviderUnavailable, refused.Code);
            Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromSeconds(1), FakeClockBreakerHost.BreakDuration);
        }
        Assert.Equal(2, host.Stub.Requests.Count);
        Assert.Equal(generations, await host.ReadAsync(db => db.Generations.CountAsync()));
        // Two of the three requests a minute were used by the calls that failed; the refusals used none.
        Assert.Null(await host.Get<IGenerationRateLimiter>().TryAcquireAsync(caller, default));
        Assert.NotNull(await host.Get<IGenerationRateLimiter>().TryAcquireAsync(caller, default));

        var breaker = host.Get<CredentialPipelines>().ServerBreaker(host.Provider);
        Assert.Equal((CircuitState.Open, 2), (breaker.State, breaker.Failures));
        Assert.Equal("The provider answered 500.", breaker.LastError);

        host.Clock.Advance(FakeClockBreakerHost.BreakDuration + TimeSpan.FromSeconds(1));
        var trial = await host.TryStartAsync("better now?", rateLimitKey: "user:after-the-break");
        Assert.IsType<GenerationCompleted>((await host.WatchAllAsync(trial.Started!.GenerationId))[^1]);
        Assert.Equal((CircuitState.Closed, 0, (DateTimeOffset?)null), (breaker.State, breaker.Failures, breaker.OpenedUntil));
    }
}
