using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Providers.Echo;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// An instance killed mid-generation (SIGKILL: no shutdown code runs) loses nothing it streamed: the generation's row,
/// checkpointed text and lease let the worker end it as INSTANCE_LOST with its partial reply and usage, and a client
/// resuming it gets that end.
/// </summary>
public sealed class InstanceLossTests
{
    private const int ReplyTokens = 300;
    private const int ChunksBeforeKill = 11;

    private const string Query = """
        query($id: ID!) { generation(id: $id) { status message { content role } usage { promptTokens completionTokens estimated }
          conversation { messages(first: 10) { nodes { role } } } } }
        """;

    /// <summary>Settings that make a lost generation show quickly: short checkpoints, leases and sweeps.</summary>
    private static TestServers Fast(TestServers servers) => servers
        .With("Llm:Providers:echo:EchoTokenDelay", "00:00:00.050")
        .With("Llm:Providers:echo:EchoReplyTokens", ReplyTokens.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Llm:Generation:CheckpointInterval", "00:00:00.200")
        .With("Llm:Generation:LeaseDuration", "00:00:02")
        .With("Llm:Generation:OrphanSweepInterval", "00:00:00.500")
        .With("Worker:Enabled", "true")
        // The test's own viewer leaves before the kill; the generation must not be cancelled for that.
        .With("Llm:Generation:CancelWhenUnwatchedAfter", "");

    [Fact]
    public async Task OneInstanceOnSqlite_KilledMidGenerationAndRestarted_EndsItAsInstanceLostWithTheCheckpointedTextAndUsage()
    {
        await using var server = await Fast(TestServers.Sqlite()).StartProcessAsync();
        var prompt = GenerationStreams.UniquePrompt("survive the crash");
        var id = await StartAsync(server.Client, prompt);
        var streamed = Text(await SseSubscription.CollectAsync(server.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id),
            stopAfter: results => Chunks(results).Count() >= ChunksBeforeKill));
        // The promise is "at most one checkpoint interval lost": wait until a checkpoint holds the chunks the client saw.
        await UntilCheckpointedAsync(server.Resources.Settings["ConnectionStrings:Sqlite"]!, GenerationStreams.DecodeGenerationId(id), ChunksBeforeKill);

        await server.KillAsync();
        await server.StartAsync();
        var resumed = await SseSubscription.CollectAsync(server.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id, after: ChunksBeforeKill - 1));

        var final = Assert.Single(resumed);
        Assert.True(final.At("data.generation")!["code"]?.GetValue<string>() == "INSTANCE_LOST", $"{final.ToJsonString()}\n{server.Output}");
        var generation = (await server.Client.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;
        Assert.Equal("FAILED", generation.String("status"));
        var stored = generation.String("message.content")!;
        var whole = string.Concat(EchoChatCompletionService.ReplyTokens(prompt, ReplyTokens));
        Assert.StartsWith(streamed, stored, StringComparison.Ordinal);
        Assert.StartsWith(stored, whole, StringComparison.Ordinal);
        Assert.True(stored.Length < whole.Length, "the reply was cut by the kill");
        Assert.True(generation.Int("usage.promptTokens") > 0 && generation.Int("usage.completionTokens") > 0, generation.ToJsonString());
        Assert.True(generation.At("usage.estimated")!.GetValue<bool>());
        // The next turn's history alternates: the prompt has its reply.
        Assert.Equal(["USER", "ASSISTANT"], generation.At("conversation.messages.nodes")!.AsArray().Select(m => m!.String("role")));
    }

    private static async Task UntilCheckpointedAsync(string connectionString, Guid generationId, int chunks)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT CheckpointChunks FROM Generations WHERE upper(Id) = upper($id)";
        command.Parameters.AddWithValue("$id", generationId.ToString());
        for (var i = 0; i < 600; i++)
        {
            if (await command.ExecuteScalarAsync() is long checkpointed && checkpointed >= chunks)
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"no checkpoint of {chunks} chunks within 30 s");
    }

    internal static async Task<string> StartAsync(HttpClient client, string prompt, int maxTokens = ReplyTokens)
    {
        var started = await client.PostGraphQLAsync(GenerationStreams.Start, GenerationStreams.Input(prompt, maxTokens));
        Assert.True(started["data"]?["startGeneration"]?["generation"] is not null, started.ToJsonString());
        return started.String("data.startGeneration.generation.id")!;
    }

    internal static IEnumerable<JsonNode> Chunks(IEnumerable<JsonObject> results) =>
        results.Select(r => r["data"]!.AsObject().First().Value!).Where(e => e.String("__typename") == "TokenChunk");

    internal static string Text(IEnumerable<JsonObject> results)
    {
        var chunks = Chunks(results).ToList();
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Int("index")));
        return string.Concat(chunks.Select(c => c.String("text")));
    }
}
