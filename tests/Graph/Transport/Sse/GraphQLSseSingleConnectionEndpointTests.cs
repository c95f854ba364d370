using System.Globalization;
using System.Net;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>graphql-sse's single connection mode with raw requests: what each step answers, and what it refuses.</summary>
public sealed class GraphQLSseSingleConnectionEndpointTests(GraphQLSseSingleConnectionEndpointTests.TwoOperationsServer server)
    : IClassFixture<GraphQLSseSingleConnectionEndpointTests.TwoOperationsServer>
{
    public sealed class TwoOperationsServer : StreamingServer
    {
        public const int MaxOperations = 2;

        public TwoOperationsServer() => Set("Transport:MaxOperationsPerConnection", MaxOperations.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Reserve_ConnectAndPost_ResultsArriveOnTheStreamTaggedWithTheOperationId()
    {
        using var reserved = await SseSingleConnection.ReserveAsync(server);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        Assert.Equal("text/plain", reserved.Content.Headers.ContentType?.MediaType);
        var token = await reserved.Content.ReadAsStringAsync();
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        using var posted = await SseSingleConnection.PostAsync(server, token, "{ __typename }", operationId: "q1");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var next = await stream.ReadNextAsync();
        Assert.Equal("q1", next.String("id"));
        Assert.Equal("Query", next.String("payload.data.__typename"));
        var complete = await stream.ReadEventAsync();
        Assert.Equal("complete", complete?.Event);
        Assert.Equal("q1", System.Text.Json.Nodes.JsonNode.Parse(complete!.Value.Data)!.String("id"));
    }

    [Fact]
    public async Task Post_InvalidDocument_Accepted_ErrorsArriveOnTheStreamUnderItsId()
    {
        var token = await SseSingleConnection.ReserveTokenAsync(server);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);

        using var posted = await SseSingleConnection.PostAsync(server, token, "subscription { noSuchField }", operationId: "bad");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var next = await stream.ReadNextAsync();
        Assert.Equal("bad", next.String("id"));
        Assert.Contains("noSuchField", next.String("payload.errors[0].message"), StringComparison.Ordinal);
        Assert.Equal("complete", (await stream.ReadEventAsync())?.Event);
    }

    [Fact]
    public async Task UnknownToken_EveryMethod_404AndNothingRuns()
    {
        var prompts = await server.CountPromptsAsync();
        const string unknown = "no-such-reservation";

        await using var stream = await SseSingleConnection.ConnectAsync(server, unknown);
        using var posted = await SseSingleConnection.PostAsync(server, unknown, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3), "g");
        using var deleted = await SseSingleConnection.DeleteAsync(server, unknown, "g");

        Assert.Equal(HttpStatusCode.NotFound, stream.Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Equal("STREAM_NOT_FOUND", await SseSingleConnection.ErrorCodeAsync(posted));
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(prompts, await server.CountPromptsAsync());
    }

    [Fact]
    public async Task Connect_ASecondStreamForOneReservation_409()
    {
        var token = await SseSingleConnection.ReserveTokenAsync(server);
        await using var first = await SseSingleConnection.ConnectAsync(server, token);

        await using var second = await SseSingleConnection.ConnectAsync(server, token);

        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.Response.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutOperationIdOrWithARunningOnesId_RefusedAndNothingMoreRuns()
    {
        var token = await SseSingleConnection.ReserveTokenAsync(server);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);
        using var running = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), StreamingServer.ReplyTokens), "long");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal("long", (await stream.ReadNextAsync()).String("id"));
        var prompts = await server.CountPromptsAsync();

        using var withoutId = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3));
        using var sameId = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3), "long");

        Assert.Equal(HttpStatusCode.BadRequest, withoutId.StatusCode);
        Assert.Equal("BAD_REQUEST", await SseSingleConnection.ErrorCodeAsync(withoutId));
        Assert.Equal(HttpStatusCode.Conflict, sameId.StatusCode);
        Assert.Equal("DUPLICATE_OPERATION_ID", await SseSingleConnection.ErrorCodeAsync(sameId));
        Assert.Equal(prompts, await server.CountPromptsAsync());
    }

    [Fact]
    public async Task Post_MoreOperationsThanTheLimit_429UntilOneIsDeletedWhichCancelsIt()
    {
        var token = await SseSingleConnection.ReserveTokenAsync(server);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);
        var prompts = new List<string>();
        for (var i = 0; i < TwoOperationsServer.MaxOperations; i++)
        {
            prompts.Add(GenerationStreams.UniquePrompt());
            using var accepted = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(prompts[i], StreamingServer.ReplyTokens), "op" + i);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        var firstGeneration = await server.WaitForGenerationOfPromptAsync(prompts[0]);
        var started = await server.CountPromptsAsync();

        using var refused = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3), "one-too-many");
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("TOO_MANY_OPERATIONS", await SseSingleConnection.ErrorCodeAsync(refused));
        Assert.Equal(started, await server.CountPromptsAsync());

        using var deleted = await SseSingleConnection.DeleteAsync(server, token, "op0");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var (_, usage) = await server.WaitForStoredReplyAsync(firstGeneration);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        using var nowAccepted = await SseSingleConnection.PostAsync(server, token, "{ __typename }", operationId: "after-delete");
        Assert.Equal(HttpStatusCode.Accepted, nowAccepted.StatusCode);
    }
}
