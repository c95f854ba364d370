using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Testing.Stubs;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>An openai-compatible provider whose circuit opens when half of at least two calls failed, and stays open a minute.</summary>
public sealed class TwoKeyProviderHost : OpenAICompatibleHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Resilience:FailureRatio", "0.5"),
        new($"Llm:Providers:{Provider}:Resilience:MinimumThroughput", "2"),
        new($"Llm:Providers:{Provider}:Resilience:SamplingDuration", "00:01:00"),
        new($"Llm:Providers:{Provider}:Resilience:BreakDuration", "00:01:00"),
    ];

    /// <summary>Starts a generation as <paramref name="userId"/> and returns its events to the end.</summary>
    public async Task<List<GenerationEvent>> GenerateAsAsync(Guid userId, string prompt)
    {
        var start = await Get<GenerationService>().StartAsync(
            new GenerationRequest(null, null, prompt, Provider, Model, null, null), userId, $"user:{userId}", default);
        Assert.Empty(start.Errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<GenerationEvent>();
        await foreach (var e in Get<GenerationService>().WatchAsync(start.Started!.GenerationId, null, new Viewer(userId, false), timeout.Token))
            events.Add(e);
        return events;
    }
}

public sealed class CredentialBreakerTests(TwoKeyProviderHost host) : IClassFixture<TwoKeyProviderHost>
{
    private const string FailingUserKey = "sk-user-out-of-quota-7f3a";

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task UsersOwnKeyFailing_OpensOnlyThatKeysCircuit_AndOthersOnTheServerKeyStillSucceed(int status)
    {
        host.Stub.Reset();
        var user = await host.AddUserAsync();
        await host.Get<ProviderKeyStore>().SetAsync(user, host.Provider, FailingUserKey + status, default);
        host.Stub.FailKey(FailingUserKey + status, StubFault.Status(status));

        var own = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => host.GenerateAsAsync(user, $"own key {i}")));

        // Every one failed, and the circuit of the user's key is open: the next is refused without a call.
        Assert.All(own, events => Assert.IsType<GenerationFailed>(events[^1]));
        var calls = host.Stub.Requests.Count;
        var refused = Assert.IsType<GenerationFailed>((await host.GenerateAsAsync(user, "once more"))[^1]);
        Assert.Contains("paused", refused.Message, StringComparison.Ordinal);
        Assert.Equal(calls, host.Stub.Requests.Count);

        var others = new List<List<GenerationEvent>>();
        for (var i = 0; i < 3; i++)
            others.Add(await host.GenerateAsAsync(LocalUser.Id, $"server key {i}"));

        Assert.All(others, events => Assert.IsType<GenerationCompleted>(events[^1]));
        Assert.Equal(3, host.Stub.Requests.Count(r => StubServer.KeyOf(r) == StubbedProviderHost.ApiKey));
        Assert.Equal(CircuitState.Closed, host.Get<CredentialPipelines>().ServerBreaker(host.Provider).State);
    }
}
