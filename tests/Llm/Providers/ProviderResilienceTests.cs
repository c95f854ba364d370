using System.Diagnostics;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>
/// An openai-compatible provider with retries on: two retries 10 ms apart (or as Retry-After says, up to 2 s),
/// 300 ms for each attempt's response headers, and a circuit breaker that needs more calls than these tests make.
/// </summary>
public sealed class RetryingProviderHost : OpenAICompatibleHost
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(300);

    public override TimeSpan IdleTimeout => TimeSpan.FromSeconds(3);

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Resilience:MaxRetries", "2"),
        new($"Llm:Providers:{Provider}:Resilience:RetryDelay", "00:00:00.010"),
        new($"Llm:Providers:{Provider}:Resilience:MaxRetryAfter", "00:00:02"),
        new($"Llm:Providers:{Provider}:Resilience:AttemptTimeout", AttemptTimeout.ToString()),
        new($"Llm:Providers:{Provider}:Resilience:MinimumThroughput", "1000"),
    ];
}

public sealed class ProviderResilienceTests(RetryingProviderHost host) : IClassFixture<RetryingProviderHost>
{
    private StubServer Stub => host.Stub;

    [Fact]
    public async Task Provider429WithRetryAfter_IsRetriedAfterThePauseItAskedFor_AndTheGenerationSucceeds()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.Status(429, retryAfter: "1"));

        var (events, _) = await GenerateAsync("busy?");

        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal("Hello, wide world!", string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
        var requests = Stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900),
            $"retried after {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms, not after the 1 s Retry-After");
    }

    [Fact]
    public async Task Provider500Twice_IsRetried_AndTheThirdAttemptsReplyIsStored()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.Status(500));
        Stub.Enqueue(StubFault.Status(503));

        var (events, _) = await GenerateAsync("try hard");

        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal(3, Stub.Requests.Count);
        Assert.Equal("Hello, wide world!", string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
    }

    [Fact]
    public async Task ProviderKeepsFailing_GivesUpAfterTheConfiguredRetries_WithItsLastStatus()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.Status(500));
        Stub.Enqueue(StubFault.Status(500));
        Stub.Enqueue(StubFault.Status(502));

        var (events, _) = await GenerateAsync("still broken?");

        Assert.Contains("502", Assert.IsType<GenerationFailed>(events[^1]).Message, StringComparison.Ordinal);
        Assert.Equal(3, Stub.Requests.Count);
    }

    [Fact]
    public async Task Provider429AskingForLongerThanMaxRetryAfter_FailsAtOnce_WithoutRetrying()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.Status(429, retryAfter: "120"));

        var (events, elapsed) = await GenerateAsync("later?");

        Assert.Contains("429", Assert.IsType<GenerationFailed>(events[^1]).Message, StringComparison.Ordinal);
        Assert.Single(Stub.Requests);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}: it waited for the Retry-After it should have refused");
    }

    [Fact]
    public async Task ConnectionDropsAfterTokensWentOut_IsNeverRetried()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.DropAfter(2));

        var (events, _) = await GenerateAsync("once only");

        Assert.IsType<GenerationFailed>(events[^1]);
        Assert.Equal(["Hello", ","], events.OfType<TokenChunk>().Select(c => c.Text));
        Assert.Single(Stub.Requests);
    }

    [Fact]
    public async Task ProviderSendsNoHeaders_TheAttemptTimesOutAndIsAborted_AndTheRetrySucceeds()
    {
        Stub.Reset();
        Stub.Enqueue(StubFault.Stall());

        var (events, _) = await GenerateAsync("wake up");

        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal(2, Stub.Requests.Count);
        await Stub.Requests[0].Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProviderNeverSendsHeaders_EveryAttemptTimesOut_AndTheGenerationFailsSayingSo()
    {
        Stub.Reset();
        for (var i = 0; i < 3; i++)
            Stub.Enqueue(StubFault.Stall());

        var (events, _) = await GenerateAsync("hello?");

        // Not "sent nothing for 3 s": the attempts' timeouts ended it, not the generation's idle timeout.
        Assert.Equal("The provider did not start answering in time.", Assert.IsType<GenerationFailed>(events[^1]).Message);
        Assert.Equal(3, Stub.Requests.Count);
    }

    [Fact]
    public async Task ReplyStreamingLongerThanTheAttemptTimeout_IsNotCutShort()
    {
        Stub.Reset();
        Stub.Tokens = [.. Enumerable.Range(0, 40).Select(i => $" t{i}")];
        Stub.TokenDelay = TimeSpan.FromMilliseconds(15);

        var (events, elapsed) = await GenerateAsync("take your time");

        Assert.True(elapsed > RetryingProviderHost.AttemptTimeout * 1.5, $"the reply took only {elapsed}: the test proves nothing");
        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal(40, events.OfType<TokenChunk>().Count());
        Assert.Single(Stub.Requests);
    }

    private async Task<(List<GenerationEvent> Events, TimeSpan Elapsed)> GenerateAsync(string prompt)
    {
        var stopwatch = Stopwatch.StartNew();
        var started = await host.StartAsync(prompt);
        var events = await host.WatchAllAsync(started.GenerationId);
        return (events, stopwatch.Elapsed);
    }
}

/// <summary>An openai-compatible provider given 300 ms in all to start answering, well inside the idle timeout.</summary>
public sealed class ImpatientProviderHost : OpenAICompatibleHost
{
    public override TimeSpan IdleTimeout => TimeSpan.FromSeconds(5);

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Timeout", "00:00:00.300"),
    ];
}

public sealed class ProviderTimeoutTests(ImpatientProviderHost host) : IClassFixture<ImpatientProviderHost>
{
    [Fact]
    public async Task ProviderSlowerToAnswerThanItsTimeout_FailsAfterTheTimeout_AndTheRequestIsAborted()
    {
        host.Stub.Reset();
        host.Stub.Enqueue(StubFault.Stall());

        var started = await host.StartAsync("quick!");
        var events = await host.WatchAllAsync(started.GenerationId);

        // Not "sent nothing for 5 s": the provider's timeout ended it, not the generation's idle timeout.
        Assert.Equal("The provider did not start answering in time.", Assert.IsType<GenerationFailed>(events[^1]).Message);
        await host.Stub.Requests.Single().Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ReplyStreamingLongerThanTheProvidersTimeout_IsNotCutShort()
    {
        host.Stub.Reset();
        host.Stub.Tokens = [.. Enumerable.Range(0, 40).Select(i => $" t{i}")];
        host.Stub.TokenDelay = TimeSpan.FromMilliseconds(15);

        var stopwatch = Stopwatch.StartNew();
        var started = await host.StartAsync("take your time");
        var events = await host.WatchAllAsync(started.GenerationId);

        Assert.True(stopwatch.Elapsed > TimeSpan.FromMilliseconds(450), $"the reply took only {stopwatch.Elapsed}: the test proves nothing");
        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal(40, events.OfType<TokenChunk>().Count());
    }
}
