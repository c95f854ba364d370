using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// Resuming a generation the server can no longer replay gap-free is an error a client can act on: its code says
/// why, so it reads the stored message instead of retrying.
/// </summary>
public sealed class GenerationReplayTests(GenerationReplayTests.Server server) : IClassFixture<GenerationReplayTests.Server>
{
    /// <summary>Keeps only <see cref="ReplayBufferSize"/> events per generation; echo writes fast.</summary>
    public sealed class Server : ConfiguredSqliteServer
    {
        public const int ReplayBufferSize = 16;

        public Server()
        {
            Set("Llm:Generation:ReplayBufferSize", ReplayBufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Llm:Providers:echo:EchoTokenDelay", "00:00:00.001");
        }
    }

    [Fact]
    public async Task GenerationSubscription_AfterAnIndexNoLongerKept_IsAReplayUnavailableError()
    {
        var id = (await server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 40))).String("id")!;
        await server.WaitUntilFinishedAsync(id);

        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id, after: 0));

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal(["REPLAY_UNAVAILABLE"], result.ErrorCodes());
    }

    [Fact]
    public async Task GenerationSubscription_AfterTheLastKeptIndex_ReplaysTheRest()
    {
        var id = (await server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 40))).String("id")!;
        await server.WaitUntilFinishedAsync(id);

        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id, after: 30));

        var rest = GenerationStreams.Read(await stream.ReadToCompleteAsync()).ShouldHaveChunksInOrderFrom(31);
        Assert.Equal(9, rest.Chunks.Count);
        Assert.EndsWith(rest.Text, rest.CompletedContent, StringComparison.Ordinal);
    }
}
