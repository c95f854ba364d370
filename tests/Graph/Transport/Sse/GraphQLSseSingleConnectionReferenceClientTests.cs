using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>
/// graphql-sse's own client in single connection mode (PUT, one event stream, a POST per operation, DELETE to stop)
/// against the real server.
/// </summary>
public sealed class GraphQLSseSingleConnectionReferenceClientTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public Task Generate_StreamedOverOneEventStream_EveryChunkInOrderAndTheSameTextStored() =>
        ReferenceClients.GenerateStreamsEveryChunkAndStoresTheSameTextAsync(server, ReferenceClients.GraphQLSseSingleConnection);

    [Fact]
    public Task Generation_TwoViewersAtOnceOnOneEventStream_SeeTheSameSequence() =>
        ReferenceClients.LateJoinersSeeTheSameSequenceAsync(server, ReferenceClients.GraphQLSseSingleConnection);

    [Fact]
    public async Task Generate_UnsubscribedWhileAnotherRuns_DeleteCancelsOnlyThatOne()
    {
        const int shortReply = 40;
        var stopped = GenerationStreams.UniquePrompt("stop this");
        var finished = GenerationStreams.UniquePrompt("finish this");

        var outcomes = await ReferenceClients.RunOperationsAsync(server, ReferenceClients.GraphQLSseSingleConnection, token: null,
            new JsonObject { ["query"] = GenerationStreams.Generate, ["variables"] = GenerationStreams.Input(stopped, StreamingServer.ReplyTokens), ["unsubscribeAfter"] = 4 },
            new JsonObject { ["query"] = GenerationStreams.Generate, ["variables"] = GenerationStreams.Input(finished, shortReply) });

        // The client's unsubscribe sends DELETE ?operationId=…: that generation is cancelled, the stream and the other go on.
        Assert.True(outcomes[0].Unsubscribed, "The client did not unsubscribe: " + outcomes[0].Error);
        var (reply, usage) = await server.WaitForStoredReplyAsync(await server.WaitForGenerationOfPromptAsync(stopped));
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.True(reply.Content.Length < StreamingServer.FullReply(stopped).Length, "The whole reply was written: the DELETE did not cancel it.");
        var other = GenerationStreams.Read(outcomes[1].ShouldHaveCompleted().Results).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(StreamingServer.FullReply(finished, shortReply), other.Text);
    }
}
