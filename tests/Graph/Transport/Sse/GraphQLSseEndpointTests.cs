using System.Net;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>GraphQL over SSE, graphql-sse's distinct connections mode, with raw requests.</summary>
public sealed class GraphQLSseEndpointTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public async Task Post_Subscription_StreamsNextEventsInOrderThenComplete()
    {
        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 6));

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var streamed = GenerationStreams.Read(await stream.ReadToCompleteAsync()).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(1, streamed.StartedEvents);
        Assert.Equal(6, streamed.Chunks.Count);
    }

    [Fact]
    public async Task Post_Query_OneNextThenComplete()
    {
        await using var stream = await SseStream.PostOperationAsync(server, "{ __typename }");

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task Post_InvalidDocument_NextWithTheErrorsThenComplete()
    {
        await using var stream = await SseStream.PostOperationAsync(server, "subscription { noSuchField }");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Contains("noSuchField", result.String("errors[0].message"), StringComparison.Ordinal);
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
    }

    [Fact]
    public async Task Post_UnknownGeneration_NextWithNotFoundThenComplete()
    {
        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(Guid.NewGuid().ToString()));

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal(["NOT_FOUND"], result.ErrorCodes());
    }

    [Fact]
    public async Task Post_RequestAborted_CancelsItsGenerationAndStoresThePartialReply()
    {
        var prompt = GenerationStreams.UniquePrompt();
        var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Generate, GenerationStreams.Input(prompt, maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await stream.ReadNextAsync()).String("data.generate.generation.id"));
        var received = "";
        for (var i = 0; i < 3; i++)
            received += (await stream.ReadNextAsync()).String("data.generate.text");

        await stream.DisposeAsync(); // closes the connection mid-stream

        var (reply, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        Assert.StartsWith(received, reply.Content, StringComparison.Ordinal);
        Assert.True(reply.Content.Length < StreamingServer.FullReply(prompt).Length, "The whole reply was written: the generation was not cancelled.");
    }
}
