using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>Query.providers on a server configured with an OpenAI-compatible provider, a keyless OpenAI one, and echo.</summary>
public sealed class ProviderQueriesTests : IClassFixture<SqliteStubProviderServer>
{
    private const string Providers = "{ providers { name kind usable defaultModel models { name contextWindow maxOutputTokens } } }";

    private readonly SqliteStubProviderServer _server;

    public ProviderQueriesTests(SqliteStubProviderServer server)
    {
        _server = server;
        server.Stub.Reset();
    }

    [Fact]
    public async Task Providers_ConfiguredAndBuiltIn_ListsEachOnceByName()
    {
        var names = (await ReadProvidersAsync()).Select(p => p.String("name")).ToList();

        Assert.Equal(["echo", StubProvider.Keyless, StubProvider.Name], names);
    }

    [Fact]
    public async Task Providers_Echo_IsListedUsableWithItsModelAndAnswers()
    {
        var echo = Find(await ReadProvidersAsync(), "echo");

        Assert.Equal(("ECHO", true, "echo-1"), (echo.String("kind"), echo["usable"]!.GetValue<bool>(), echo.String("defaultModel")));
        var model = Assert.Single(echo["models"]!.AsArray())!;
        Assert.Equal(("echo-1", 8192, 4096), (model.String("name"), model.Int("contextWindow"), model.Int("maxOutputTokens")));
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", model: "echo-1", maxTokens: 2));
        Assert.Equal("COMPLETED", (await _server.WaitUntilFinishedAsync(generation.String("id")!)).String("status"));
    }

    [Fact]
    public async Task Providers_OpenAICompatibleWithEndpoint_IsUsableWithItsModelsLimitsByName()
    {
        var stub = Find(await ReadProvidersAsync(), StubProvider.Name);

        Assert.Equal(("OPEN_AI_COMPATIBLE", true, StubProvider.Model), (stub.String("kind"), stub["usable"]!.GetValue<bool>(), stub.String("defaultModel")));
        Assert.Equal(
            [(StubProvider.Model, StubProvider.ModelContextWindow, StubProvider.ModelMaxOutputTokens),
             (StubProvider.SmallModel, StubProvider.SmallModelContextWindow, StubProvider.SmallModelMaxOutputTokens)],
            stub["models"]!.AsArray().Select(m => (m!.String("name"), m!.Int("contextWindow"), m!.Int("maxOutputTokens"))));
    }

    [Fact]
    public async Task Providers_OpenAIWithoutKey_IsListedButNotUsable()
    {
        var keyless = Find(await ReadProvidersAsync(), StubProvider.Keyless);

        Assert.Equal(("OPEN_AI", false, StubProvider.KeylessModel), (keyless.String("kind"), keyless["usable"]!.GetValue<bool>(), keyless.String("defaultModel")));
        var model = Assert.Single(keyless["models"]!.AsArray())!;
        Assert.Equal((StubProvider.KeylessModel, 128000, 16384), (model.String("name"), model.Int("contextWindow"), model.Int("maxOutputTokens")));
    }

    private async Task<IReadOnlyList<JsonNode>> ReadProvidersAsync() =>
        [.. (await _server.PostGraphQLAsync(Providers)).ShouldHaveNoErrors().At("data.providers")!.AsArray().Select(p => p!)];

    private static JsonNode Find(IReadOnlyList<JsonNode> providers, string name) =>
        Assert.Single(providers, p => p.String("name") == name);
}
