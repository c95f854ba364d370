using System.Text.Json.Nodes;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// Drives the reference JS clients (tests/js/graphql-stream-clients.mjs): graphql-ws over WebSocket, graphql-sse
/// over SSE in distinct or single connection mode, Apollo Client's HttpLink over multipart HTTP. The operations run
/// at once; each returns what it received.
/// </summary>
public static class ReferenceClients
{
    public const string GraphQLWs = "ws";
    public const string GraphQLSse = "sse";
    public const string GraphQLSseSingleConnection = "sse-single";
    public const string ApolloMultipart = "apollo";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    public static Task<IReadOnlyList<ClientOutcome>> RunAsync(StreamingServer server, string client, params (string Query, JsonObject? Variables)[] operations) =>
        RunWithTokenAsync(server, client, token: null, operations);

    /// <summary>The same, authenticated with <paramref name="token"/> as the client sends one (init payload, or header).</summary>
    public static Task<IReadOnlyList<ClientOutcome>> RunWithTokenAsync(
        StreamingServer server, string client, string? token, params (string Query, JsonObject? Variables)[] operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return RunOperationsAsync(server, client, token,
            operations.Select(o => new JsonObject { ["query"] = o.Query, ["variables"] = o.Variables?.DeepClone() }).ToArray());
    }

    /// <summary>
    /// Runs <paramref name="operations"/> (each <c>{ query, variables?, unsubscribeAfter? }</c>, see the script) at once
    /// with <paramref name="client"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ClientOutcome>> RunOperationsAsync(StreamingServer server, string client, string? token, params JsonObject[] operations)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(operations);
        var url = client == GraphQLWs ? server.WebSocketEndpoint : server.GraphQLEndpoint;
        var json = new JsonArray(operations.Select(o => (JsonNode)o.DeepClone()).ToArray()).ToJsonString();
        var package = client switch
        {
            GraphQLWs => "graphql-ws",
            ApolloMultipart => "@apollo/client",
            _ => "graphql-sse",
        };
        var output = await NodeScript.RunAsync("graphql-stream-clients.mjs", token is null ? [client, url.ToString(), json] : [client, url.ToString(), json, token],
            package, RunTimeout);
        var summary = JsonNode.Parse(output)?.AsArray() ?? throw new InvalidOperationException("No summary: " + output);
        Assert.Equal(operations.Length, summary.Count);
        return summary.Select(o => new ClientOutcome(
            o!["results"]!.AsArray().Select(r => r?.DeepClone()).ToList(),
            o["completed"]?.GetValue<bool>() ?? false,
            o["error"]?.GetValue<string>(),
            o["unsubscribed"]?.GetValue<bool>() ?? false)).ToList();
    }

    /// <summary>Streams a generation with <paramref name="client"/>; checks it token by token and against what was stored.</summary>
    public static async Task GenerateStreamsEveryChunkAndStoresTheSameTextAsync(StreamingServer server, string client)
    {
        const int tokens = 12;
        var prompt = GenerationStreams.UniquePrompt("stream this");

        var outcome = (await RunAsync(server, client, (GenerationStreams.Generate, GenerationStreams.Input(prompt, tokens))))[0];

        var streamed = GenerationStreams.Read(outcome.ShouldHaveCompleted().Results).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(tokens, streamed.Chunks.Count);
        Assert.Equal(StreamingServer.FullReply(prompt, tokens), streamed.Text);
        var stored = await server.PostGraphQLAsync(
            "query($id: ID!) { conversation(id: $id) { messages(last: 1) { nodes { role content generationId } } } }",
            new { id = streamed.ConversationId });
        var message = stored.ShouldHaveNoErrors().At("data.conversation.messages.nodes[0]")!;
        Assert.Equal("ASSISTANT", message.String("role"));
        Assert.Equal(streamed.Text, message.String("content"));
        Assert.Equal(streamed.GenerationId, message.String("generationId"));
    }

    /// <summary>
    /// Starts a generation by mutation, then two viewers join while it runs, one from the start and one after an
    /// index: both see the same chunks, numbered alike, and the same end.
    /// </summary>
    public static async Task LateJoinersSeeTheSameSequenceAsync(StreamingServer server, string client)
    {
        const int tokens = 60, after = 9;
        var generationId = await StartGenerationAsync(server, GenerationStreams.UniquePrompt("watch this"), tokens);

        var outcomes = await RunAsync(server, client,
            (GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId)),
            (GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId, after)));

        var whole = GenerationStreams.Read(outcomes[0].ShouldHaveCompleted().Results).ShouldHaveCompletedWithItsChunks();
        var rest = GenerationStreams.Read(outcomes[1].ShouldHaveCompleted().Results).ShouldHaveChunksInOrderFrom(after + 1);
        Assert.Equal(tokens, whole.Chunks.Count);
        Assert.Equal(1, whole.StartedEvents);
        Assert.Equal(0, rest.StartedEvents);
        Assert.Equal(whole.Chunks.Where(c => c.Index > after), rest.Chunks);
        Assert.Equal(whole.CompletedContent, rest.CompletedContent);
        Assert.Equal(generationId, whole.GenerationId);
        Assert.Equal(generationId, rest.GenerationId);
    }

    /// <summary>Resumes a finished generation after an index: the chunks after it and the end, nothing before.</summary>
    public static async Task ResumeAfterAnIndexGetsTheRestAsync(StreamingServer server, string client)
    {
        const int tokens = 8, after = 4;
        var prompt = GenerationStreams.UniquePrompt("resume this");
        var generationId = await StartGenerationAsync(server, prompt, tokens);
        await server.WaitForStoredReplyAsync(GenerationStreams.DecodeGenerationId(generationId));

        var outcome = (await RunAsync(server, client, (GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId, after))))[0];

        var rest = GenerationStreams.Read(outcome.ShouldHaveCompleted().Results).ShouldHaveChunksInOrderFrom(after + 1);
        var full = StreamingServer.FullReply(prompt, tokens);
        Assert.Equal(tokens - after - 1, rest.Chunks.Count);
        Assert.Equal(full, rest.CompletedContent);
        Assert.EndsWith(rest.Text, full, StringComparison.Ordinal);
    }

    private static async Task<string> StartGenerationAsync(PlatformServer server, string prompt, int tokens)
    {
        var started = await server.PostGraphQLAsync(GenerationStreams.Start, GenerationStreams.Input(prompt, tokens));
        Assert.Empty(started.ShouldHaveNoErrors().At("data.startGeneration.userErrors")!.AsArray());
        return started.String("data.startGeneration.generation.id")!;
    }
}

/// <summary>What a reference client received for one operation, and how it ended.</summary>
public sealed record ClientOutcome(IReadOnlyList<JsonNode?> Results, bool Completed, string? Error, bool Unsubscribed = false)
{
    public ClientOutcome ShouldHaveCompleted()
    {
        Assert.True(Completed && Error is null, $"The operation did not complete: {Error}");
        return this;
    }
}
