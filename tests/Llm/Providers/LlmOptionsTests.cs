using LlmPlatform.Data;
using LlmPlatform.Llm.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>Provider configuration as an operator writes it: what binds, and what stops the server from starting.</summary>
public sealed class LlmOptionsTests
{
    [Theory]
    [InlineData("openai-compatible", ProviderKind.OpenAICompatible)]
    [InlineData("OpenAICompatible", ProviderKind.OpenAICompatible)]
    [InlineData("azure-openai", ProviderKind.AzureOpenAI)]
    [InlineData("Azure-OpenAI", ProviderKind.AzureOpenAI)]
    [InlineData("AzureOpenAI", ProviderKind.AzureOpenAI)]
    [InlineData("openai", ProviderKind.OpenAI)]
    [InlineData("OLLAMA", ProviderKind.Ollama)]
    [InlineData("echo", ProviderKind.Echo)]
    public async Task Kind_SpelledAsTheIssueOrAsTheEnumInAnyCase_Binds(string spelling, ProviderKind expected)
    {
        using var host = Build(Provider(spelling));
        await host.StartAsync();

        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<LlmOptions>>().Value.Providers["p"].Kind);
        Assert.Equal(expected, host.Services.GetRequiredService<ProviderRegistry>().Find("p")!.Kind);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("3")]
    [InlineData("open ai")]
    public async Task Start_UnknownKind_FailsNamingTheSettingAndTheKindsThereAre(string kind)
    {
        var failure = await StartFailureAsync(Provider(kind));

        Assert.Contains("Llm:Providers:p:Kind", failure, StringComparison.Ordinal);
        Assert.Contains("echo, openai, azure-openai, openai-compatible or ollama", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure-openai")]
    [InlineData("openai-compatible")]
    [InlineData("ollama")]
    public async Task Start_KindThatNeedsAnEndpointWithoutOne_FailsSayingSo(string kind)
    {
        var failure = await StartFailureAsync(Provider(kind, endpoint: null));

        Assert.Contains($"Llm:Providers:p:Endpoint is required for a provider of kind {kind}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProviderWithoutModels_FailsSayingSo()
    {
        var failure = await StartFailureAsync(
            new("Llm:Providers:p:Kind", "openai-compatible"),
            new("Llm:Providers:p:Endpoint", "http://127.0.0.1:8000/v1"));

        Assert.Contains("Llm:Providers:p:Models must list at least one model", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ModelSettingsOutOfRange_FailsNamingTheModel()
    {
        var failure = await StartFailureAsync([.. Provider("ollama"), new("Llm:Providers:p:Models:m:ContextWindow", "100")]);

        Assert.Contains("Llm:Providers:p:Models:m", failure, StringComparison.Ordinal);
        Assert.Contains("ContextWindow", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MaxOutputTokensFillingTheContextWindow_Fails()
    {
        var failure = await StartFailureAsync([.. Provider("ollama"), new("Llm:Providers:p:Models:m:ContextWindow", "1024")]);

        Assert.Contains("Llm:Providers:p:Models:m:MaxOutputTokens must be less than its ContextWindow", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DefaultProviderThatIsNotConfigured_Fails()
    {
        var failure = await StartFailureAsync([.. Provider("ollama"), new("Llm:DefaultProvider", "nope")]);

        Assert.Contains("Llm:DefaultProvider names \"nope\"", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Defaults_AreCoherent_AttemptTimeoutBelowTheIdleTimeoutAndEveryRetryWithinTheClientTimeout()
    {
        using var host = Build(Provider("openai-compatible"));
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<IOptions<LlmOptions>>().Value.Providers["p"];
        var idle = host.Services.GetRequiredService<IOptions<LlmPlatform.Llm.Generation.GenerationOptions>>().Value.ProviderIdleTimeout;
        Assert.True(provider.Resilience.MaxRetries > 0);
        Assert.True(provider.Resilience.AttemptTimeout + provider.Resilience.RetryDelay < idle);
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_AttemptTimeoutNotBelowTheIdleTimeout_FailsNamingBoth()
    {
        var failure = await StartFailureAsync([.. Provider("openai-compatible"),
            new("Llm:Providers:p:Resilience:AttemptTimeout", "00:01:40"), new("Llm:Generation:ProviderIdleTimeout", "00:01:00")]);

        Assert.Contains("Llm:Providers:p:Resilience:AttemptTimeout (00:01:40)", failure, StringComparison.Ordinal);
        Assert.Contains("Llm:Generation:ProviderIdleTimeout (00:01:00)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RetriesThatCannotFitTheClientTimeout_Fail()
    {
        var failure = await StartFailureAsync([.. Provider("openai-compatible"),
            new("Llm:Providers:p:Resilience:MaxRetries", "5"), new("Llm:Providers:p:Resilience:AttemptTimeout", "00:00:30"),
            new("Llm:Providers:p:Timeout", "00:01:00")]);

        Assert.Contains("Llm:Providers:p:Timeout (00:01:00) must hold every attempt", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RetriesOff_DoesNotCheckTheRetryBudget()
    {
        using var host = Build([.. Provider("openai-compatible"),
            new("Llm:Providers:p:Resilience:MaxRetries", "0"), new("Llm:Providers:p:Resilience:AttemptTimeout", "00:05:00"),
            new("Llm:Generation:ProviderIdleTimeout", "00:00:01")]);
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_OpenAIWithoutEndpointOrKey_StartsWithTheProviderListedButUnusable()
    {
        using var host = Build(new("Llm:Providers:p:Kind", "openai"), new("Llm:Providers:p:Models:gpt-4o:ContextWindow", "128000"));
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<ProviderRegistry>().Find("p")!;
        Assert.False(provider.IsUsable);
        Assert.Equal("gpt-4o", provider.DefaultModel);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("", "http://127.0.0.1:8001/v1", "Llm:Providers:p:Deployments:1:Name is required")]
    [InlineData("has space", "http://127.0.0.1:8001/v1", "Llm:Providers:p:Deployments:1:Name is required")]
    [InlineData("EAST", "http://127.0.0.1:8001/v1", "Llm:Providers:p:Deployments:1:Name \"EAST\" is used by another deployment")]
    [InlineData("west", "ftp://127.0.0.1/v1", "Llm:Providers:p:Deployments:1:Endpoint must be an absolute http or https URL")]
    [InlineData("west", null, "Llm:Providers:p:Deployments:1:Endpoint is required")]
    public async Task Start_BadDeploymentsEntry_FailsNamingIt(string name, string? endpoint, string expected)
    {
        var failure = await StartFailureAsync(
        [
            .. Provider("openai-compatible", endpoint: null),
            new("Llm:Providers:p:Deployments:0:Name", "east"),
            new("Llm:Providers:p:Deployments:0:Endpoint", "http://127.0.0.1:8000/v1"),
            new("Llm:Providers:p:Deployments:1:Name", name),
            new("Llm:Providers:p:Deployments:1:Endpoint", endpoint),
        ]);

        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Llm:Providers:p:Balancing:Strategy", "Random", "Llm:Providers:p:Balancing:Strategy must be RoundRobin or LeastInFlight")]
    [InlineData("Llm:Providers:p:Balancing:Strategy", "1", "Llm:Providers:p:Balancing:Strategy must be RoundRobin or LeastInFlight")]
    [InlineData("Llm:Providers:p:Balancing:CoolDown", "-00:00:01", "Llm:Providers:p:Balancing")]
    public async Task Start_BadBalancingSetting_FailsNamingIt(string key, string value, string expected)
    {
        var failure = await StartFailureAsync(
        [
            .. Provider("openai-compatible"),
            new("Llm:Providers:p:Deployments:0:Name", "east"),
            new(key, value),
        ]);

        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployments_WithoutEndpointOrKeyOfTheirOwn_UseTheProvidersAndAreUsable()
    {
        using var host = Build(
        [
            .. Provider("openai-compatible"),
            new("Llm:Providers:p:Deployments:0:Name", "east"),
            new("Llm:Providers:p:Deployments:1:Name", "west"),
            new("Llm:Providers:p:Deployments:1:ApiKey", "k2"),
            new("Llm:Providers:p:Balancing:Strategy", "leastinflight"),
        ]);
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<ProviderRegistry>().Find("p")!;
        Assert.Equal(["east", "west"], provider.Deployments.Select(d => d.Name));
        Assert.All(provider.Deployments, d => Assert.True(d.Calls.IsUsable));
        Assert.Equal(Llm.Providers.Balancing.BalancingStrategy.LeastInFlight, provider.Balancing.Strategy);
        await host.StopAsync();
    }

    private static KeyValuePair<string, string?>[] Provider(string kind, string? endpoint = "http://127.0.0.1:8000/v1") =>
    [
        new("Llm:Providers:p:Kind", kind),
        new("Llm:Providers:p:Endpoint", endpoint),
        new("Llm:Providers:p:ApiKey", "k"),
        new("Llm:Providers:p:Models:m:ContextWindow", "8192"),
        new("Llm:Providers:p:Models:m:MaxOutputTokens", "1024"),
    ];

    private static IHost Build(params KeyValuePair<string, string?>[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // A later value for a key wins, as with a second configuration source.
        builder.Configuration.AddInMemoryCollection(settings.GroupBy(s => s.Key).Select(g => g.Last()));
        // The generation pipeline's services need a database; none is ever written here.
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Sqlite", "Data Source=:memory:"), new("Data:MigrateOnStartup", "false")]);
        builder.AddData();
        builder.AddLlm();
        return builder.Build();
    }

    /// <summary>Starts a host that must refuse to start, and returns what it said (the exception and its inner ones).</summary>
    private static async Task<string> StartFailureAsync(params KeyValuePair<string, string?>[] settings)
    {
        using var host = Build(settings);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.True(failure is OptionsValidationException or InvalidOperationException, failure.ToString());
        var messages = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
            messages.Add(e.Message);
        return string.Join(" | ", messages);
    }
}
