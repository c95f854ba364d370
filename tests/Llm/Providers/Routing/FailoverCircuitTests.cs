using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Tests.Providers.Routing;

/// <summary>A route whose first target keeps failing: its circuit opens, and the route goes around it until it closes.</summary>
public sealed class FailoverCircuitTests(BreakingFailoverHost host) : IClassFixture<BreakingFailoverHost>
{
    [Fact]
    public async Task RepeatedServerErrors_OpenTheFirstCircuit_TheRouteSkipsItWithoutCallingIt_AndReturnsToItOnceItCloses()
    {
        host.Reset();
        var breaker = host.Get<CredentialPipelines>().ServerBreaker(FailoverHost.First);
        for (var i = 0; i < 3 && breaker.State != CircuitState.Open; i++)
        {
            host.FirstStub.Enqueue(StubFault.Status(500));
            var (_, failing) = await host.RunAsync($"failing {i}", "user:" + Guid.NewGuid());
            Assert.Equal(FailoverHost.Second, Assert.IsType<GenerationCompleted>(failing[^1]).Usage.Provider);
        }
        Assert.Equal(CircuitState.Open, breaker.State);
        var called = host.FirstStub.Requests.Count;

        // Open: skipped without a call, yet counted as tried.
        var (started, events) = await host.RunAsync("around the open circuit", "user:" + Guid.NewGuid());
        Assert.Equal(FailoverHost.Second, started.Provider);
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal((FailoverHost.Second, 2), (completed.Usage.Provider, completed.Usage.Attempts));
        Assert.Equal(called, host.FirstStub.Requests.Count);

        host.Clock.Advance(FailoverHost.BreakDuration + TimeSpan.FromSeconds(1));
        var (_, again) = await host.RunAsync("back to the first", "user:" + Guid.NewGuid());
        var served = Assert.IsType<GenerationCompleted>(again[^1]);
        Assert.Equal((FailoverHost.First, 1), (served.Usage.Provider, served.Usage.Attempts));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }
}

/// <summary>Every target of the route down: typed failures charged one request each and no tokens, then refusals; a cached reply still serves.</summary>
public sealed class AllTargetsDownTests(BreakingFailoverHost host) : IClassFixture<BreakingFailoverHost>
{
    [Fact]
    public async Task EveryTargetFailing_IsATypedFailureWithoutTokensCharged_ThenRefusedWhileEveryCircuitIsOpen_ButACachedReplyStillServes()
    {
        host.Reset();
        const string cachedPrompt = "asked while all was well";
        var (_, filled) = await host.RunAsync(cachedPrompt, "user:" + Guid.NewGuid(), FailoverHost.First, temperature: 0, cache: true);
        Assert.IsType<GenerationCompleted>(filled[^1]);

        var breakers = new[] { FailoverHost.First, FailoverHost.Second }.Select(host.Get<CredentialPipelines>().ServerBreaker).ToList();
        for (var i = 0; i < 4 && breakers.Any(b => b.State != CircuitState.Open); i++)
        {
            host.FirstStub.Enqueue(StubFault.Status(500));
            host.SecondStub.Enqueue(StubFault.Status(500));
            var caller = "user:" + Guid.NewGuid();
            var (_, events) = await host.RunAsync($"all down {i}", caller);
            var failed = Assert.IsType<GenerationFailed>(events[^1]);
            Assert.Equal(GenerationErrorCodes.ProviderError, failed.Code);
            // Until a circuit opens, both were called; the one that failed last is named. (Once the second's circuit is
            // open, the first is the last target left to call.)
            if (i == 0)
                Assert.Equal((FailoverHost.Second, 2), (failed.Usage!.Provider, failed.Usage.Attempts));
            // No provider spent a token on it: the one token a minute is still there.
            Assert.Null(await host.Get<IGenerationRateLimiter>().TryAcquireAsync(caller, default));
        }
        Assert.All(breakers, b => Assert.Equal(CircuitState.Open, b.State));

        var generations = await host.ReadAsync(db => db.Generations.CountAsync());
        var requests = (host.FirstStub.Requests.Count, host.SecondStub.Requests.Count);
        var refusedCaller = "user:" + Guid.NewGuid();
        var refused = Assert.Single((await host.TryStartAsync("nobody is up", refusedCaller)).Errors);
        Assert.Equal(GenerationErrorCodes.ProviderUnavailable, refused.Code);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), FailoverHost.BreakDuration);
        Assert.Equal(generations, await host.ReadAsync(db => db.Generations.CountAsync()));
        // Not charged: all three requests a minute are left.
        for (var i = 0; i < FailoverHost.RequestsPerMinute; i++)
            Assert.Null(await host.Get<IGenerationRateLimiter>().TryAcquireAsync(refusedCaller, default));

        var (_, replayed) = await host.RunAsync(cachedPrompt, "user:" + Guid.NewGuid(), FailoverHost.First, temperature: 0, cache: true);
        var completed = Assert.IsType<GenerationCompleted>(replayed[^1]);
        Assert.True(completed.Usage.Cached);
        Assert.Equal(string.Concat(StubServer.DefaultTokens), string.Concat(replayed.OfType<TokenChunk>().Select(c => c.Text)));
        Assert.Equal(requests, (host.FirstStub.Requests.Count, host.SecondStub.Requests.Count));
    }
}
