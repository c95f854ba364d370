using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>An openai-compatible provider named as <c>Llm:DefaultProvider</c>, and nothing else changed.</summary>
public sealed class DefaultStubProviderHost : OpenAICompatibleHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings => [new("Llm:DefaultProvider", Provider)];
}

public sealed class DefaultProviderTests(DefaultStubProviderHost host) : IClassFixture<DefaultStubProviderHost>
{
    [Fact]
    public async Task BuiltInPersona_WithoutATargetOfItsOwn_FollowsTheConfiguredDefaultProviderAndItsDefaultModel()
    {
        host.Stub.Reset();

        var start = await host.Get<GenerationService>().StartAsync(
            new GenerationRequest(null, BuiltInPersonas.TranslatorId, "Bonjour", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);

        Assert.Empty(start.Errors);
        Assert.Equal((host.Provider, host.Model), (start.Started!.Provider, start.Started.Model));
        Assert.IsType<GenerationCompleted>((await host.WatchAllAsync(start.Started.GenerationId))[^1]);
        var request = Assert.Single(host.Stub.Requests);
        Assert.StartsWith("You are a professional translator.", request.Messages[0].Content, StringComparison.Ordinal);
    }
}
