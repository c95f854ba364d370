using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Testing.Stubs;
using LlmPlatform.Llm.Tests.Providers;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Tests.Providers.Routing;

/// <summary>An openai-compatible provider whose circuit opens when half of at least two calls failed, and stays open a minute.</summary>
public sealed class CircuitBreakingProviderHost : OpenAICompatibleHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Resilience:FailureRatio", "0.5"),
        new($"Llm:Providers:{Provider}:Resilience:MinimumThroughput", "2"),
        new($"Llm:Providers:{Provider}:Resilience:SamplingDuration", "00:01:00"),
        new($"Llm:Providers:{Provider}:Resilience:BreakDuration", "00:01:00"),
    ];
}

public sealed class CredentialBreakerTests(CircuitBreakingProviderHost host) : IClassFixture<CircuitBreakingProviderHost>
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

        var own = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => GenerateAsync(user, $"own key {i}")));

        // Every one failed (or was refused once the circuit opened), and the circuit of the user's key is open: the
        // next is refused without a call.
        Assert.All(own, outcome => Assert.True(outcome is GenerationFailed or GenerationError { Code: GenerationErrorCodes.ProviderUnavailable }, $"{outcome}"));
        var calls = host.Stub.Requests.Count;
        var refused = Assert.IsType<GenerationError>(await GenerateAsync(user, "once more"));
        Assert.Equal(GenerationErrorCodes.ProviderUnavailable, refused.Code);
        Assert.Contains("paused", refused.Message, StringComparison.Ordinal);
        Assert.Equal(calls, host.Stub.Requests.Count);

        var others = new List<object>();
        for (var i = 0; i < 3; i++)
            others.Add(await GenerateAsync(LocalUser.Id, $"server key {i}"));

        Assert.All(others, outcome => Assert.IsType<GenerationCompleted>(outcome));
        Assert.Equal(3, host.Stub.Requests.Count(r => StubServer.KeyOf(r) == StubbedProviderHost.ApiKey));
        Assert.Equal(CircuitState.Closed, host.Get<CredentialPipelines>().ServerBreaker(host.Provider).State);
    }

    /// <summary>The final event of a generation by <paramref name="userId"/>, or the error that refused it.</summary>
    private async Task<object> GenerateAsync(Guid userId, string prompt)
    {
        var start = await host.TryStartAsync(prompt, userId: userId, rateLimitKey: $"user:{userId}");
        if (start.Started is null)
            return Assert.Single(start.Errors);
        return (await host.WatchAllAsync(start.Started.GenerationId, userId: userId))[^1];
    }
}
