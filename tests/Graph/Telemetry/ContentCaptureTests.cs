using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>
/// With <c>Telemetry:CaptureContent</c> on, a generation's span carries its prompt and reply in the GenAI conventions'
/// attributes, cut to <c>Telemetry:MaxCapturedContentLength</c>, and still never the provider key. (Off, the default,
/// <see cref="TelemetryTests"/> proves no prompt text is exported.)
/// </summary>
public sealed class ContentCaptureTests(ContentCaptureTests.CapturingServer server) : IClassFixture<ContentCaptureTests.CapturingServer>
{
    private const int MaxLength = 300;

    [Fact]
    public async Task Span_OfAGeneration_CarriesThePromptAndTheReplyButNotTheKey()
    {
        server.Stub.Reset();
        var prompt = GenerationStreams.UniquePrompt("capture me");
        var id = TelemetryApi.GenerationIdOf(await server.GenerateAsync(prompt)).ToString();

        var chat = await server.WaitForSpanAsync(s => (string?)s.GetTagItem("llmplatform.generation.id") == id && s.GetTagItem("gen_ai.output.messages") is not null);
        var input = JsonNode.Parse((string)chat.GetTagItem("gen_ai.input.messages")!)!.AsArray();
        var asked = input[^1]!;
        Assert.Equal("user", asked.String("role"));
        Assert.Equal(prompt, asked.String("parts[0].content"));
        Assert.Equal("text", asked.String("parts[0].type"));
        var output = JsonNode.Parse((string)chat.GetTagItem("gen_ai.output.messages")!)!.AsArray();
        Assert.Single(output);
        Assert.Equal("assistant", output[0]!.String("role"));
        Assert.Equal(StubProvider.DefaultReply, output[0]!.String("parts[0].content"));
        Assert.Equal("stop", output[0]!.String("finish_reason"));
        var everything = string.Join('\n', server.Spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")));
        Assert.DoesNotContain(StubProvider.ApiKey, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Span_OfALongPrompt_CarriesOnlyTheConfiguredLength()
    {
        server.Stub.Reset();
        var head = GenerationStreams.UniquePrompt("long");
        var prompt = head + new string('x', 3 * MaxLength);
        var id = TelemetryApi.GenerationIdOf(await server.GenerateAsync(prompt)).ToString();

        var chat = await server.WaitForSpanAsync(s => (string?)s.GetTagItem("llmplatform.generation.id") == id && s.GetTagItem("gen_ai.output.messages") is not null);
        var input = JsonNode.Parse((string)chat.GetTagItem("gen_ai.input.messages")!)!.AsArray();
        var captured = string.Concat(input.SelectMany(m => m!["parts"]!.AsArray().Select(p => p!.String("content"))));
        // A new conversation sends the prompt alone (the persona's instructions go apart): its first characters, no more.
        Assert.Equal(prompt[..MaxLength], captured);
    }

    [Fact]
    public void Start_WithCaptureOn_LogsAWarning() =>
        Assert.Contains(server.Logs.Entries, e => e.EventId == 3580 && e.Level == LogLevel.Warning);

    public sealed class CapturingServer : TelemetryServer
    {
        protected override Task<TestDatabase> CreateDatabaseCoreAsync()
        {
            Set("Telemetry:CaptureContent", "true");
            Set("Telemetry:MaxCapturedContentLength", MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return base.CreateDatabaseCoreAsync();
        }
    }
}
