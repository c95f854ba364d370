using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Providers.Echo;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// PostgreSQL going away around the end of a stream loses no reply: storing it is retried, the final event waits for
/// it, and past <c>Llm:Generation:StorageRetryFor</c> the client hears STORAGE_UNAVAILABLE while the reply is still
/// stored once the database is back.
/// </summary>
public sealed class DatabaseBlipTests
{
    private const int ReplyTokens = 40;

    private const string Query = "query($id: ID!) { generation(id: $id) { status message { content finishReason } usage { completionTokens } } }";

    [Fact]
    public async Task PostgresStoppedAndBackAroundTheEndOfAStream_TheReplyIsStoredWholeAndTheClientGetsGenerationCompleted()
    {
        await using var postgres = await OwnPostgresServer.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync(postgres.AdminConnectionString);
        await using var servers = await Servers(database, storageRetryFor: "00:00:30").StartAsync();
        var server = servers[0];
        var prompt = GenerationStreams.UniquePrompt("blip");
        var id = await InstanceLossTests.StartAsync(server.Client, prompt, ReplyTokens);

        var (results, watch) = Watch(server.Client, id);
        await WaitForChunksAsync(results, ReplyTokens - 10);
        await postgres.StopAsync("immediate");
        // The reply ends while the database is away: storing it waits, and so does the final event.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await postgres.StartAgainAsync();
        await watch.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("GenerationCompleted", results[^1].String("data.generation.__typename"));
        var streamed = InstanceLossTests.Text(results);
        Assert.Equal(string.Concat(EchoChatCompletionService.ReplyTokens(prompt, ReplyTokens)), streamed);
        var stored = (await server.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;
        Assert.Equal(("COMPLETED", streamed, "STOP"), (stored.String("status"), stored.String("message.content"), stored.String("message.finishReason")));
        Assert.True(stored.Int("usage.completionTokens") > 0);
    }

    [Fact]
    public async Task PostgresAwayLongerThanTheRetryBound_TheClientHearsStorageUnavailable_AndTheReplyIsStoredOnceItIsBack()
    {
        await using var postgres = await OwnPostgresServer.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync(postgres.AdminConnectionString);
        await using var servers = await Servers(database, storageRetryFor: "00:00:01").StartAsync();
        var server = servers[0];
        var prompt = GenerationStreams.UniquePrompt("long outage");
        var id = await InstanceLossTests.StartAsync(server.Client, prompt, ReplyTokens);

        var (results, watch) = Watch(server.Client, id);
        await WaitForChunksAsync(results, ReplyTokens - 10);
        await postgres.StopAsync("immediate");
        await watch.WaitAsync(TimeSpan.FromSeconds(60));
        await postgres.StartAgainAsync();

        var final = results[^1]["data"]!["generation"]!;
        Assert.Equal(("GenerationFailed", "STORAGE_UNAVAILABLE"), (final.String("__typename"), final.String("code")));
        var streamed = InstanceLossTests.Text(results);
        JsonNode? stored = null;
        for (var i = 0; i < 120 && (stored is null || stored.String("status") == "RUNNING"); i++)
        {
            await Task.Delay(250);
            stored = (await server.PostGraphQLAsync(Query, new { id }))["data"]!["generation"];
        }
        Assert.NotNull(stored);
        Assert.Equal(("COMPLETED", streamed), (stored.String("status"), stored.String("message.content")));
    }

    private static TestServers Servers(TestDatabase database, string storageRetryFor) => TestServers.On(database)
        .With("Llm:Providers:echo:EchoTokenDelay", "00:00:00.050")
        .With("Llm:Providers:echo:EchoReplyTokens", ReplyTokens.ToString(CultureInfo.InvariantCulture))
        .With("Llm:Generation:StorageRetryFor", storageRetryFor)
        .With("Llm:Generation:CancelWhenUnwatchedAfter", "");

    /// <summary>Watches the generation over SSE in the background, its results gathered as they arrive.</summary>
    private static (List<JsonObject> Results, Task Watching) Watch(HttpClient client, string id)
    {
        var results = new List<JsonObject>();
        var watching = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var result in SseSubscription.SubscribeAsync(client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id), timeout.Token))
            {
                lock (results)
                    results.Add(result);
            }
        });
        return (results, watching);
    }

    private static async Task WaitForChunksAsync(List<JsonObject> results, int chunks)
    {
        for (var i = 0; i < 400; i++)
        {
            lock (results)
            {
                if (InstanceLossTests.Chunks(results).Count() >= chunks)
                    return;
            }
            await Task.Delay(25);
        }
        Assert.Fail($"fewer than {chunks} chunks arrived");
    }
}
