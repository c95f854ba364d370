using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Schema;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>The generation documents the transport tests send, what they stream back, and what the server stored.</summary>
public static class GenerationStreams
{
    /// <summary>Generous bound for anything a test waits for: an event, a stored reply, a close frame.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private const string EventSelection = """
        __typename
        ... on GenerationStarted { generation { id } conversation { id } }
        ... on TokenChunk { generationId index text }
        ... on GenerationCompleted { generationId message { content finishReason } }
        ... on GenerationFailed { generationId code reason }
        """;

    public const string Generate = "subscription Generate($input: GenerateInput!) { generate(input: $input) { " + EventSelection + " } }";

    public const string Watch = "subscription Watch($id: ID!, $after: Int) { generation(id: $id, after: $after) { " + EventSelection + " } }";

    public const string Start = "mutation Start($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code message } } }";

    /// <summary>The variables of <see cref="Generate"/> and <see cref="Start"/>.</summary>
    public static JsonObject Input(string prompt, int maxTokens) =>
        new() { ["input"] = new JsonObject { ["prompt"] = prompt, ["maxTokens"] = maxTokens } };

    /// <summary>The variables of <see cref="Watch"/>.</summary>
    public static JsonObject WatchVariables(string generationId, int? after = null) =>
        new() { ["id"] = generationId, ["after"] = after };

    /// <summary>A prompt no other test uses, so its generation can be found in the database.</summary>
    public static string UniquePrompt(string words = "tell me more") => $"{words} {Guid.NewGuid():N}";

    /// <summary>Reads the results (each <c>{ data: { generate | generation: event } }</c>) of one generation stream.</summary>
    public static StreamedGeneration Read(IEnumerable<JsonNode?> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        string? generationId = null, conversationId = null, content = null, finishReason = null, failure = null;
        var started = 0;
        var chunks = new List<(int, string)>();
        var afterEnd = new List<string>();
        foreach (var result in results)
        {
            Assert.True(result?["errors"] is null, "A result with errors: " + result?.ToJsonString());
            var data = result?["data"]?.AsObject();
            Assert.True(data is { Count: 1 }, "Not one root field: " + result?.ToJsonString());
            var generationEvent = data.First().Value!;
            if (content is not null || failure is not null)
                afterEnd.Add(generationEvent.ToJsonString());
            switch (generationEvent.String("__typename"))
            {
                case "GenerationStarted":
                    started++;
                    generationId = generationEvent.String("generation.id");
                    conversationId = generationEvent.String("conversation.id");
                    break;
                case "TokenChunk":
                    generationId ??= generationEvent.String("generationId");
                    chunks.Add((generationEvent.Int("index"), generationEvent.String("text")!));
                    break;
                case "GenerationCompleted":
                    generationId ??= generationEvent.String("generationId");
                    content = generationEvent.String("message.content");
                    finishReason = generationEvent.String("message.finishReason");
                    break;
                case "GenerationFailed":
                    failure = generationEvent.String("code") + ": " + generationEvent.String("reason");
                    break;
                default:
                    Assert.Fail("Unknown event: " + generationEvent.ToJsonString());
                    break;
            }
        }
        Assert.True(afterEnd.Count == 0, "Events after the final one: " + string.Join(", ", afterEnd));
        return new StreamedGeneration(generationId, conversationId, started, chunks, content, finishReason, failure);
    }

    /// <summary>
    /// The assistant message and usage row the server stored for a generation, once both exist; fails the test when
    /// they do not appear within <see cref="Wait"/>. The generation stores them however it ends.
    /// </summary>
    public static async Task<(Message Reply, UsageEvent Usage)> WaitForStoredReplyAsync(this PlatformServer server, Guid generationId)
    {
        ArgumentNullException.ThrowIfNull(server);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var stored = await server.ReadAsync(async db => (
                await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.GenerationId == generationId && m.Role == MessageRole.Assistant),
                await db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(u => u.GenerationId == generationId)));
            if (stored is ({ } reply, { } usage))
                return (reply, usage);
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Generation {generationId} stored no reply within {Wait.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>The id of the generation started with <paramref name="prompt"/>, once its prompt is stored.</summary>
    public static async Task<Guid> WaitForGenerationOfPromptAsync(this PlatformServer server, string prompt)
    {
        ArgumentNullException.ThrowIfNull(server);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var id = await server.ReadAsync(db => db.Messages.AsNoTracking()
                .Where(m => m.Role == MessageRole.User && m.Content == prompt).Select(m => m.GenerationId).FirstOrDefaultAsync());
            if (id is { } generationId)
                return generationId;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No generation was started for \"{prompt}\" within {Wait.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>How many prompts the server has stored: each accepted generation stores one.</summary>
    public static Task<int> CountPromptsAsync(this PlatformServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.ReadAsync(db => db.Messages.CountAsync(m => m.Role == MessageRole.User));
    }

    public static Guid DecodeGenerationId(string? globalId)
    {
        Assert.True(GlobalId.TryDecodeGuid(globalId, GenerationGraphType.TypeName, out var id), $"Not a generation id: {globalId}");
        return id;
    }
}

/// <summary>What one generation stream delivered, in order.</summary>
public sealed record StreamedGeneration(
    string? GenerationId,
    string? ConversationId,
    int StartedEvents,
    IReadOnlyList<(int Index, string Text)> Chunks,
    string? CompletedContent,
    string? FinishReason,
    string? Failure)
{
    /// <summary>The chunks' texts in the order they arrived.</summary>
    public string Text => string.Concat(Chunks.Select(c => c.Text));

    /// <summary>Fails unless the chunks are numbered <paramref name="first"/>, first + 1, … with no gap or repeat.</summary>
    public StreamedGeneration ShouldHaveChunksInOrderFrom(int first)
    {
        var indexes = Chunks.Select(c => c.Index).ToList();
        Assert.Equal(Enumerable.Range(first, indexes.Count), indexes);
        return this;
    }

    /// <summary>Fails unless the stream ended with a stored reply whose text is exactly the streamed chunks'.</summary>
    public StreamedGeneration ShouldHaveCompletedWithItsChunks()
    {
        Assert.True(Failure is null, "The generation failed: " + Failure);
        Assert.True(CompletedContent is not null, "The stream did not end with GenerationCompleted.");
        ShouldHaveChunksInOrderFrom(0);
        Assert.Equal(CompletedContent, Text);
        return this;
    }
}
