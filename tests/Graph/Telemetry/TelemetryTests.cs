using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>
/// What an operator sees of one generation on the stub provider: its tokens, cost and timings in <c>/metrics</c> (as
/// Prometheus scrapes them), its spans, and its log entries with their scopes; and what nobody sees: the prompt or the key.
/// </summary>
[Collection(TelemetryScrapes.Collection)]
public sealed class TelemetryTests(TelemetryServer server) : IClassFixture<TelemetryServer>
{
    [Fact]
    public async Task Usage_OfAGeneration_HasOverheadBelowItsLatencyAndATimeToFirstToken()
    {
        server.Stub.Reset();
        var generation = await GenerateAsync(GenerationStreams.UniquePrompt());
        var usage = generation["usage"]!;

        var overhead = Milliseconds(usage["overheadMs"]);
        Assert.True(overhead > 0, $"overheadMs {overhead}");
        // The overhead ends where the provider's reply starts flowing, so it is within the whole operation.
        Assert.NotNull(usage["timeToFirstTokenMs"]);
        Assert.True(usage.Int("timeToFirstTokenMs") <= usage.Int("latencyMs"));
        var generationId = TelemetryApi.GenerationIdOf(generation);
        var stored = await server.ReadAsync(db => Task.FromResult(db.UsageEvents.Single(u => u.GenerationId == generationId)));
        Assert.Equal(overhead, stored.OverheadMs!.Value, 6);
    }

    [Fact]
    public async Task Metrics_AnOperationWithErrors_CountsAnErrorByOperationName()
    {
        var name = "Broken" + Guid.NewGuid().ToString("N");
        await server.PostGraphQLRawAsync($"query {name} {{ noSuchField }}", operationName: name);

        var scrape = await server.WaitForScrapeAsync(s => s.Sum("llmplatform_graphql_operation_errors_total", ("graphql_operation_name", name)) > 0);
        // A document that fails validation has no operation the engine selected: its type is "unknown", its name the requested one.
        Assert.Equal(1, scrape.Sum("llmplatform_graphql_operation_errors_total", ("graphql_operation_name", name), ("graphql_operation_type", "unknown")));
    }

    [Fact]
    public async Task Traces_OfAGeneration_AreAnOperationSpanWithTheProviderCallAndDatabaseWorkBeneath()
    {
        server.Stub.Reset();
        var generation = await GenerateAsync(GenerationStreams.UniquePrompt());
        var id = TelemetryApi.GenerationIdOf(generation).ToString();

        var chat = await server.WaitForSpanAsync(s => s.DisplayName == $"chat {StubProvider.Model}" && (string?)s.GetTagItem("llmplatform.generation.id") == id);
        var operation = server.Spans.Single(s => s.SpanId == chat.ParentSpanId);
        Assert.Equal("mutation " + TelemetryApi.StartOperationName, operation.DisplayName);
        Assert.Equal(StubProvider.Name, chat.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(567, chat.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(1234, chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(ActivityKind.Client, chat.Kind);
        // The HTTP call to the provider is the provider span's child; the admission's database work the operation's.
        Assert.Contains(server.Spans, s => s.ParentSpanId == chat.SpanId && s.Kind == ActivityKind.Client && s.GetTagItem("server.port") is not null);
        Assert.Contains(server.Spans, s => s.ParentSpanId == operation.SpanId && (s.GetTagItem("db.system.name") ?? s.GetTagItem("db.system")) is not null);
        Assert.Equal(operation.TraceId, chat.TraceId);
    }

    [Fact]
    public async Task Logs_OfAGeneration_CarryItsIdUserProviderAndModelAsScope()
    {
        server.Stub.Reset();
        var generation = await GenerateAsync(GenerationStreams.UniquePrompt());
        var id = TelemetryApi.GenerationIdOf(generation);

        var finished = await WaitForLogAsync(e => e.EventId == 3002 && e.Scope.GetValueOrDefault("GenerationId") == id.ToString());
        Assert.Equal(StubProvider.Name, finished.Scope["Provider"]);
        Assert.Equal(StubProvider.Model, finished.Scope["Model"]);
        Assert.True(Guid.TryParse(finished.Scope["UserId"], out var userId) && userId != Guid.Empty);
    }

    [Fact]
    public async Task PromptAndKey_NeverReachTheMetricsTheSpansOrTheLogs()
    {
        server.Stub.Reset();
        var prompt = "secret prompt " + Guid.NewGuid().ToString("N");
        await GenerateAsync(prompt);
        // A prompt in a document's literal rather than in variables, too.
        await server.PostGraphQLRawAsync($$"""mutation { startGeneration(input: { prompt: "{{prompt}}" }) { generation { id } } }""");
        await server.WaitForSpanAsync(s => s.DisplayName == "mutation");

        var spans = string.Join('\n', server.Spans.Select(s => s.DisplayName + " " + string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            + string.Join(",", s.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")))));
        var scraped = (await server.WaitForScrapeAsync(s => s.Has("gen_ai_client_token_usage_sum"))).Text;
        var logs = server.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.ToString());
        foreach (var exported in new[] { spans, scraped, string.Join('\n', logs) })
        {
            Assert.DoesNotContain(prompt, exported, StringComparison.Ordinal);
            Assert.DoesNotContain(StubProvider.ApiKey, exported, StringComparison.Ordinal);
        }
        // They were exported at all: the scan read something.
        Assert.Contains("gen_ai_client_token_usage", scraped, StringComparison.Ordinal);
        Assert.Contains("chat " + StubProvider.Model, spans, StringComparison.Ordinal);
    }

    private Task<JsonNode> GenerateAsync(string prompt) => server.GenerateAsync(prompt);

    private static double Milliseconds(JsonNode? value) => value!.GetValue<double>();

    private async Task<ScopedLogs.Entry> WaitForLogAsync(Func<ScopedLogs.Entry, bool> match)
    {
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (true)
        {
            if (server.Logs.Entries.FirstOrDefault(match) is { } entry)
                return entry;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("No such log entry.");
            await Task.Delay(50);
        }
    }
}
