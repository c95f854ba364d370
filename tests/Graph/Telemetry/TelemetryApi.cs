using System.Text.Json.Nodes;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>What the telemetry tests do through the API: a generation on the stub, and scrapes of <c>/metrics</c>.</summary>
internal static class TelemetryApi
{
    public const string StartOperationName = "StartForTelemetry";

    private const string Start = "mutation " + StartOperationName + "($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code } } }";

    private const string Usage = "query($id: ID!) { generation(id: $id) { id status usage { promptTokens completionTokens cost latencyMs timeToFirstTokenMs overheadMs } } }";

    /// <summary>Runs one generation on the stub provider to its end and returns it with its usage.</summary>
    public static async Task<JsonNode> GenerateAsync(this PlatformServer server, string prompt)
    {
        var started = (await server.PostGraphQLAsync(Start, new JsonObject { ["input"] = GenerationApi.Input(prompt, provider: StubProvider.Name) }, StartOperationName))
            .ShouldHaveNoErrors();
        var id = started.String("data.startGeneration.generation.id")!;
        Assert.Equal("COMPLETED", (await server.WaitUntilFinishedAsync(id)).String("status"));
        return (await server.PostGraphQLAsync(Usage, new { id })).ShouldHaveNoErrors().At("data.generation")!;
    }

    public static Guid GenerationIdOf(JsonNode generation) =>
        GlobalId.TryDecodeGuid(generation.String("id")!, GenerationGraphType.TypeName, out var id) ? id : throw new InvalidOperationException("Not a generation id.");

    public static async Task<PrometheusScrape> ScrapeAsync(this PlatformServer server, string path = "/metrics")
    {
        using var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    // The exporter answers a scrape from a cache for a moment: one right after an operation may not show it yet.
    public static async Task<PrometheusScrape> WaitForScrapeAsync(this PlatformServer server, Func<PrometheusScrape, bool> ready)
    {
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (true)
        {
            var scrape = await server.ScrapeAsync();
            if (ready(scrape))
                return scrape;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("The metrics never showed it:\n" + scrape.Text);
            await Task.Delay(100);
        }
    }
}
