using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>
/// A server that runs exactly one generation on the stub provider, which reports 1234 input and 567 output tokens:
/// <c>/metrics</c> shows that generation's tokens, cost and timings by provider and model, as Prometheus reads them.
/// </summary>
public sealed class GenerationMetricsTests(TelemetryServer server) : IClassFixture<TelemetryServer>
{
    [Fact]
    public async Task Metrics_AfterOneGeneration_ShowItsTokensCostAndTimingsByProviderAndModel()
    {
        var usage = (await server.GenerateAsync(GenerationStreams.UniquePrompt()))["usage"]!;

        var scrape = await server.WaitForScrapeAsync(s => s.Sum("gen_ai_client_operation_duration_seconds_count") > 0);
        (string, string)[] stub = [("gen_ai_provider_name", StubProvider.Name), ("gen_ai_request_model", StubProvider.Model), ("gen_ai_operation_name", "chat")];
        Assert.Equal(567, usage.Int("completionTokens"));
        Assert.Equal(567, scrape.Sum("gen_ai_client_token_usage_sum", [.. stub, ("gen_ai_token_type", "output")]));
        Assert.Equal(1234, scrape.Sum("gen_ai_client_token_usage_sum", [.. stub, ("gen_ai_token_type", "input")]));
        Assert.Equal(1, scrape.Sum("gen_ai_client_token_usage_count", [.. stub, ("gen_ai_token_type", "output")]));
        Assert.Equal(usage["cost"]!.GetValue<double>(), scrape.Sum("llmplatform_generation_cost_total", stub), 9);
        Assert.Equal(1, scrape.Sum("gen_ai_client_operation_duration_seconds_count", stub));
        Assert.Equal(1, scrape.Sum("gen_ai_client_operation_time_to_first_chunk_seconds_count", stub));
        // The overhead histogram holds exactly what usage stored.
        Assert.Equal(1, scrape.Sum("llmplatform_generation_overhead_seconds_count", stub));
        Assert.Equal(usage["overheadMs"]!.GetValue<double>() / 1000, scrape.Sum("llmplatform_generation_overhead_seconds_sum", stub), 9);
        Assert.Equal(0, scrape.Sum("llmplatform_generations_active"));
        Assert.Equal(1, scrape.Sum("llmplatform_graphql_operation_duration_seconds_count",
            ("graphql_operation_type", "mutation"), ("graphql_operation_name", TelemetryApi.StartOperationName)));
    }
}
