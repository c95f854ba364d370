using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// Past their requests a minute, a caller's generations are refused with RATE_LIMITED and the seconds to wait, on every
/// transport, and nothing is written; once the wait is over they go through again.
/// </summary>
public sealed class GenerationRateLimitTests : IClassFixture<RateLimitedServer>
{
    private const string Start = "mutation Start($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code message field retryAfter } } }";

    private readonly RateLimitedServer _server;

    public GenerationRateLimitTests(RateLimitedServer server)
    {
        _server = server;
        // Every test starts on a new day: whatever an earlier test counted has left every window.
        server.Clock.Advance(TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task StartGeneration_PastRequestsPerMinute_ReturnsRateLimitedWithRetryAfterAndWritesNothing()
    {
        await SpendRequestsPerMinuteAsync();
        var before = await _server.CountRowsAsync();

        var result = (await StartAsync()).ShouldHaveNoErrors();

        Assert.Null(result.At("data.startGeneration.generation"));
        var error = Assert.Single(result.At("data.startGeneration.userErrors")!.AsArray())!;
        Assert.Equal("RATE_LIMITED", error.String("code"));
        Assert.InRange(error.Int("retryAfter"), 1, 60);
        Assert.Null(error["field"]);
        Assert.Contains($"{RateLimitedServer.RequestsPerMinute} generations a minute", error.String("message"), StringComparison.Ordinal);
        Assert.Equal(before, await _server.CountRowsAsync());
    }

    [Fact]
    public async Task StartGeneration_RateLimited_GoesThroughOnceRetryAfterHasPassed()
    {
        await SpendRequestsPerMinuteAsync();
        var refused = (await StartAsync()).ShouldHaveNoErrors().At("data.startGeneration.userErrors[0]")!;

        _server.Clock.Advance(TimeSpan.FromSeconds(refused.Int("retryAfter")));
        var accepted = (await StartAsync()).ShouldHaveNoErrors();

        Assert.Equal("RATE_LIMITED", refused.String("code"));
        Assert.Empty(accepted.At("data.startGeneration.userErrors")!.AsArray());
        await _server.WaitUntilFinishedAsync(accepted.String("data.startGeneration.generation.id")!);
    }

    [Fact]
    public async Task StartGeneration_BadInput_CostsNoQuota()
    {
        for (var i = 0; i < RateLimitedServer.RequestsPerMinute + 1; i++)
        {
            var refused = (await _server.PostGraphQLAsync(Start, GenerationStreams.Input("", 2))).ShouldHaveNoErrors();
            Assert.Equal("REQUIRED", refused.String("data.startGeneration.userErrors[0].code"));
            Assert.Null(refused.At("data.startGeneration.userErrors[0].retryAfter"));
        }

        await SpendRequestsPerMinuteAsync();
    }

    [Theory]
    [InlineData(ReferenceClients.GraphQLWs)]
    [InlineData(ReferenceClients.GraphQLSse)]
    public async Task Generate_PastRequestsPerMinute_IsARateLimitedErrorWithRetryAfterAndWritesNothing(string client)
    {
        await SpendRequestsPerMinuteAsync();
        var before = await _server.CountRowsAsync();

        var outcome = (await ReferenceClients.RunAsync(_server, client, (GenerationStreams.Generate, Input())))[0];

        var result = Assert.Single(outcome.ShouldHaveCompleted().Results)!;
        Assert.Null(result["data"]?["generate"]);
        ShouldBeRateLimited(Assert.Single(result["errors"]!.AsArray())!);
        Assert.Equal(before, await _server.CountRowsAsync());
    }

    [Fact]
    public async Task Generate_PastRequestsPerMinuteOnLegacyGraphQLWs_IsARateLimitedErrorWithRetryAfter()
    {
        await SpendRequestsPerMinuteAsync();
        await using var socket = await TestWebSocket.ConnectAsync(_server, "graphql-ws");
        await socket.SendAsync("connection_init", payload: new JsonObject());
        Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));

        await socket.SendOperationAsync("start", "g1", GenerationStreams.Generate, Input());

        var messages = await socket.ReceiveOperationAsync("g1", "complete", "error");
        Assert.Equal(["data", "complete"], messages.Select(m => m.String("type")));
        ShouldBeRateLimited(Assert.Single(messages[0].At("payload.errors")!.AsArray())!);
    }

    private static void ShouldBeRateLimited(JsonNode error)
    {
        Assert.Equal("RATE_LIMITED", error.String("extensions.code"));
        Assert.InRange(error.Int("extensions.retryAfter"), 1, 60);
        Assert.False(string.IsNullOrWhiteSpace(error.String("message")));
    }

    /// <summary>Starts as many generations as a minute allows and waits until they are stored.</summary>
    private async Task SpendRequestsPerMinuteAsync()
    {
        for (var i = 0; i < RateLimitedServer.RequestsPerMinute; i++)
        {
            var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt("within limits"), maxTokens: 2));
            await _server.WaitUntilFinishedAsync(generation.String("id")!);
        }
    }

    private Task<JsonObject> StartAsync() => _server.PostGraphQLAsync(Start, Input());

    private static JsonObject Input() => GenerationStreams.Input(GenerationStreams.UniquePrompt("within limits"), maxTokens: 2);
}
