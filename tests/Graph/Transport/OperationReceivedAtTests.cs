using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Multipart;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;
using LlmPlatform.Graph.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Transport;

/// <summary>
/// A generation's <c>Usage.overheadMs</c> starts where the transport read the operation, on every transport: a wait
/// between that read and the operation's execution is part of what the server added, and is counted.
/// </summary>
public sealed class OperationReceivedAtTests(OperationReceivedAtTests.SlowScopeServer server) : IClassFixture<OperationReceivedAtTests.SlowScopeServer>
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Resolving the operation's caller is the executor's first step once a transport has read the operation; made slow
    /// here, it stands for any wait between the two (a starved thread pool, say).
    /// </summary>
    public sealed class SlowScopeServer : StreamingServer
    {
        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.AddScoped(_ =>
            {
                Thread.Sleep(Delay);
                return new OperationCaller();
            });
        }
    }

    public static TheoryData<string> AllTransports => new() { "http", "graphql-transport-ws", "graphql-ws", "graphql-sse", "graphql-sse-single", "multipart" };

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Generation_AWaitBetweenReadingTheOperationAndRunningIt_IsInItsOverhead(string transport)
    {
        var prompt = GenerationStreams.UniquePrompt("overhead");
        await RunToTheEndAsync(transport, GenerationStreams.Input(prompt, maxTokens: 3));

        var generationId = await server.WaitForGenerationOfPromptAsync(prompt);
        var (_, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.NotNull(usage.OverheadMs);
        Assert.True(usage.OverheadMs >= Delay.TotalMilliseconds, $"overheadMs {usage.OverheadMs} does not count the {Delay.TotalMilliseconds} ms wait before execution");
    }

    private async Task RunToTheEndAsync(string transport, JsonObject variables)
    {
        switch (transport)
        {
            case "http":
                var started = await server.PostGraphQLAsync(GenerationStreams.Start, variables);
                Assert.NotNull(started["data"]?["startGeneration"]?["generation"]?["id"]);
                break;
            case "graphql-transport-ws" or "graphql-ws":
                await using (var socket = await TestWebSocket.ConnectAsync(server, transport))
                {
                    await socket.InitAsync();
                    await socket.SendOperationAsync(transport == "graphql-ws" ? "start" : "subscribe", "1", GenerationStreams.Generate, variables);
                    Assert.Equal("complete", (await socket.ReceiveOperationAsync("1", "complete", "error"))[^1].String("type"));
                }
                break;
            case "graphql-sse":
                await using (var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Generate, variables))
                    Assert.NotEmpty(await stream.ReadToCompleteAsync());
                break;
            case "graphql-sse-single":
                var token = await SseSingleConnection.ReserveTokenAsync(server);
                await using (var stream = await SseSingleConnection.ConnectAsync(server, token))
                {
                    using var accepted = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, variables, operationId: "1");
                    Assert.True(accepted.IsSuccessStatusCode, $"HTTP {(int)accepted.StatusCode}");
                    while (await stream.ReadEventAsync() is { } received && received.Event != "complete")
                        Assert.Equal("next", received.Event);
                }
                break;
            case "multipart":
                using (var response = await MultipartRequests.PostAsync(server, GenerationStreams.Generate, variables))
                    Assert.NotEmpty(MultipartRequests.Parts(await response.Content.ReadAsStringAsync()));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(transport), transport, "No such transport.");
        }
    }
}
