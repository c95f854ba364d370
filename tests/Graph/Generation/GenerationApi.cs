using System.Text.Json.Nodes;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Llm.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>The generation operations these tests send over HTTP and SSE, and what they wait for.</summary>
internal static class GenerationApi
{
    public const string GenerationFields = """
        id status provider model
        conversation { id title }
        message { id role content finishReason generationId }
        usage { promptTokens completionTokens totalTokens estimated latencyMs timeToFirstTokenMs cost }
        """;

    public const string Start = "mutation($input: GenerateInput!) { startGeneration(input: $input) { generation { "
        + GenerationFields + " } userErrors { message code field } } }";

    public const string Cancel = "mutation($id: ID!) { cancelGeneration(input: { id: $id }) { generation { id status } userErrors { message code field } } }";

    public const string Query = "query($id: ID!) { generation(id: $id) { " + GenerationFields + " } }";

    /// <summary>Every event of <c>generate</c>, with the completed reply's usage.</summary>
    public const string Generate = """
        subscription Generate($input: GenerateInput!) {
          generate(input: $input) {
            __typename
            ... on GenerationStarted { generation { id } conversation { id } provider model }
            ... on TokenChunk { generationId index text }
            ... on GenerationCompleted { generationId message { content finishReason } usage { promptTokens completionTokens totalTokens estimated } }
            ... on GenerationFailed { generationId code reason: message }
          }
        }
        """;

    public static JsonObject Input(string prompt, string? provider = null, string? model = null, int? maxTokens = null, string? conversationId = null)
    {
        var input = new JsonObject { ["prompt"] = prompt };
        if (provider is not null)
            input["provider"] = provider;
        if (model is not null)
            input["model"] = model;
        if (maxTokens is not null)
            input["maxTokens"] = maxTokens;
        if (conversationId is not null)
            input["conversationId"] = conversationId;
        return input;
    }

    /// <summary>Starts a generation by mutation and returns it; fails the test on user errors.</summary>
    public static async Task<JsonNode> StartGenerationAsync(this PlatformServer server, JsonObject input)
    {
        var result = (await server.PostGraphQLAsync(Start, new JsonObject { ["input"] = input })).ShouldHaveNoErrors();
        Assert.True(result.At("data.startGeneration.userErrors")!.AsArray().Count == 0, "User errors: " + result.ToJsonString());
        return result.At("data.startGeneration.generation")!;
    }

    /// <summary><c>generation(id)</c> as a client reads it; null when there is none it may see.</summary>
    public static async Task<JsonNode?> QueryGenerationAsync(this PlatformServer server, string generationId) =>
        (await server.PostGraphQLAsync(Query, new { id = generationId })).ShouldHaveNoErrors().At("data.generation");

    /// <summary>Polls <c>generation(id)</c> until it is no longer RUNNING, as a client without a subscription would.</summary>
    public static async Task<JsonNode> WaitUntilFinishedAsync(this PlatformServer server, string generationId)
    {
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (true)
        {
            var generation = await server.QueryGenerationAsync(generationId);
            Assert.NotNull(generation);
            if (generation.String("status") != "RUNNING")
                return generation;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Generation {generationId} was still running after {GenerationStreams.Wait.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Watches a generation over SSE until <paramref name="chunks"/> token chunks have arrived, and returns the open
    /// stream: once they are in a viewer's hands, they are in the reply the server stores.
    /// </summary>
    public static async Task<SseStream> WatchUntilChunksAsync(this PlatformServer server, string generationId, int chunks)
    {
        var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId));
        for (var received = 0; received < chunks;)
        {
            var generationEvent = (await stream.ReadNextAsync()).ShouldHaveNoErrors().At("data.generation")!;
            if (generationEvent.String("__typename") == "TokenChunk")
                received++;
            else
                Assert.Equal("GenerationStarted", generationEvent.String("__typename"));
        }
        return stream;
    }

    /// <summary>
    /// Starts a generation for a user other than the one requests act as, straight through the pipeline: no request
    /// can do that. Returns its global id.
    /// </summary>
    public static async Task<string> StartForAsync(this PlatformServer server, Guid userId, string prompt, string provider)
    {
        var start = await server.Services.GetRequiredService<GenerationService>().StartAsync(
            new GenerationRequest(null, null, prompt, provider, null, null, null), userId, "user:" + userId.ToString("N"), CancellationToken.None);
        Assert.True(start.Started is not null, "Refused: " + string.Join(", ", start.Errors));
        return IdOf(start.Started.GenerationId);
    }

    /// <summary>Cancels another user's generation (see <see cref="StartForAsync"/>) and waits until it is stored.</summary>
    public static async Task CancelForAsync(this PlatformServer server, Guid userId, string generationId)
    {
        var id = GenerationStreams.DecodeGenerationId(generationId);
        Assert.NotNull(await server.Services.GetRequiredService<GenerationService>().CancelAsync(id, new LlmPlatform.Data.Queries.Viewer(userId, false), default));
        await server.WaitForStoredReplyAsync(id);
    }

    /// <summary>The global id of a generation.</summary>
    public static string IdOf(Guid generationId) => GlobalId.Encode(GenerationGraphType.TypeName, generationId);

    /// <summary>How many rows a generation writes to: a refused one must leave all three unchanged.</summary>
    public static Task<RowCounts> CountRowsAsync(this PlatformServer server) =>
        server.ReadAsync(async db => new RowCounts(
            await db.Conversations.CountAsync(), await db.Messages.CountAsync(), await db.UsageEvents.CountAsync()));

    /// <summary>The field path of a user error or of an error's extensions, as a list.</summary>
    public static IReadOnlyList<string> Path(this JsonNode? field) =>
        field is JsonArray parts ? parts.Select(p => p!.GetValue<string>()).ToList() : [];
}

internal sealed record RowCounts(int Conversations, int Messages, int UsageEvents);
