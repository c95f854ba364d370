using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Providers.Echo;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// Two instances on one PostgreSQL and one Redis, as behind a load balancer: a generation started on one is found,
/// watched, resumed and cancelled on the other, its viewers there count, and when its instance dies the other ends it.
/// </summary>
public sealed class AcrossInstancesTests
{
    private const int ReplyTokens = 80;

    private const string Query = """
        query($id: ID!) { generation(id: $id) { status message { content finishReason } usage { completionTokens } } }
        """;

    private const string Cancel = "mutation($id: ID!) { cancelGeneration(input: { id: $id }) { generation { status message { content } } userErrors { code } } }";

    private static TestServers Two(string tokenDelay = "00:00:00.050", string? cancelWhenUnwatched = "") => TestServers.Postgres().WithRedis().Instances(2)
        .With("Llm:Providers:echo:EchoTokenDelay", tokenDelay)
        .With("Llm:Providers:echo:EchoReplyTokens", ReplyTokens.ToString(CultureInfo.InvariantCulture))
        .With("Llm:Generation:CancelWhenUnwatchedAfter", cancelWhenUnwatched)
        .With("Llm:Generation:CheckpointInterval", "00:00:00.200")
        .With("Llm:Generation:LeaseDuration", "00:00:02")
        .With("Llm:Generation:OrphanSweepInterval", "00:00:00.500")
        .With("Worker:Enabled", "true")
        .With("Worker:LeaseDuration", "00:00:02")
        .With("Worker:AcquireInterval", "00:00:00.500");

    [Fact]
    public async Task StartedOnA_WatchedOnB_GapFreeAndEqualToTheStoredReply_AndFoundOnBWhileRunningAndAfter()
    {
        await using var instances = await Two().StartAsync();
        var (a, b) = (instances[0], instances[1]);
        var prompt = GenerationStreams.UniquePrompt("across");
        var id = await InstanceLossTests.StartAsync(a.Client, prompt, ReplyTokens);

        var running = await b.PostGraphQLAsync(Query, new { id });
        var events = await SseSubscription.CollectAsync(b.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id));
        var finished = (await b.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;

        Assert.Equal("RUNNING", running.String("data.generation.status"));
        var streamed = InstanceLossTests.Text(events);
        Assert.Equal(string.Concat(EchoChatCompletionService.ReplyTokens(prompt, ReplyTokens)), streamed);
        Assert.Equal("GenerationCompleted", events[^1].String("data.generation.__typename"));
        Assert.Equal(("COMPLETED", streamed), (finished.String("status"), finished.String("message.content")));
    }

    [Fact]
    public async Task ClientDropsOnA_ResumesOnBAfterItsLastIndex_LosingAndRepeatingNothing()
    {
        await using var instances = await Two().StartAsync();
        var (a, b) = (instances[0], instances[1]);
        var prompt = GenerationStreams.UniquePrompt("resume elsewhere");
        var id = await InstanceLossTests.StartAsync(a.Client, prompt, ReplyTokens);

        var first = await SseSubscription.CollectAsync(a.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id),
            stopAfter: results => InstanceLossTests.Chunks(results).Count() >= 10);
        var last = InstanceLossTests.Chunks(first).Last().Int("index");
        var rest = await SseSubscription.CollectAsync(b.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id, after: last));

        var indexes = InstanceLossTests.Chunks(first).Concat(InstanceLossTests.Chunks(rest)).Select(c => c.Int("index")).ToList();
        Assert.Equal(Enumerable.Range(0, ReplyTokens), indexes);
        var text = string.Concat(InstanceLossTests.Chunks(first).Concat(InstanceLossTests.Chunks(rest)).Select(c => c.String("text")));
        Assert.Equal(string.Concat(EchoChatCompletionService.ReplyTokens(prompt, ReplyTokens)), text);
    }

    [Fact]
    public async Task CancelOnB_OfAGenerationRunningOnA_StopsItThereAndAnswersCancelled()
    {
        await using var instances = await Two().StartAsync();
        var (a, b) = (instances[0], instances[1]);
        var id = await InstanceLossTests.StartAsync(a.Client, GenerationStreams.UniquePrompt("stop me"), ReplyTokens);
        await SseSubscription.CollectAsync(a.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id),
            stopAfter: results => InstanceLossTests.Chunks(results).Count() >= 3);

        var cancelled = (await b.PostGraphQLAsync(Cancel, new { id }))["data"]!["cancelGeneration"]!;

        Assert.Empty(cancelled["userErrors"]!.AsArray());
        Assert.Equal("CANCELLED", cancelled.String("generation.status"));
        var stored = (await a.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;
        Assert.Equal(("CANCELLED", "CANCELLED"), (stored.String("status"), stored.String("message.finishReason")));
        Assert.True(stored.Int("usage.completionTokens") < ReplyTokens, "the provider call stopped before the end");
    }

    [Fact]
    public async Task ViewerOnlyOnB_KeepsTheGenerationOnAAlive_AfterAsViewerLeft()
    {
        // A's own viewer leaves early; a generation nobody watched for a second would be cancelled.
        await using var instances = await Two(cancelWhenUnwatched: "00:00:01").StartAsync();
        var (a, b) = (instances[0], instances[1]);
        var prompt = GenerationStreams.UniquePrompt("keep going");
        var id = await InstanceLossTests.StartAsync(a.Client, prompt, ReplyTokens);
        var watchOnB = SseSubscription.CollectAsync(b.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id));
        await SseSubscription.CollectAsync(a.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id),
            stopAfter: results => InstanceLossTests.Chunks(results).Count() >= 3);

        var events = await watchOnB;

        Assert.Equal("GenerationCompleted", events[^1].String("data.generation.__typename"));
        var stored = (await a.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;
        Assert.Equal(("COMPLETED", "STOP"), (stored.String("status"), stored.String("message.finishReason")));
        Assert.Equal(string.Concat(EchoChatCompletionService.ReplyTokens(prompt, ReplyTokens)), stored.String("message.content"));
    }

    [Fact]
    public async Task InstanceAKilledMidGeneration_BsWorkerEndsItAsInstanceLost_StoringEverythingItStreamed()
    {
        await using var processes = await Two().StartProcessesAsync();
        var (a, b) = (processes[0], processes[1]);
        var prompt = GenerationStreams.UniquePrompt("lost instance");
        var id = await InstanceLossTests.StartAsync(a.Client, prompt, 400);
        var watching = new List<JsonObject>();
        var watchOnB = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var result in SseSubscription.SubscribeAsync(b.Client, GenerationStreams.Watch, GenerationStreams.WatchVariables(id), timeout.Token))
            {
                lock (watching)
                    watching.Add(result);
            }
        });
        for (var i = 0; i < 200 && Count(watching) < 20; i++)
            await Task.Delay(50);

        await a.KillAsync();
        await watchOnB.WaitAsync(TimeSpan.FromSeconds(60));

        var final = watching[^1]["data"]!["generation"]!;
        Assert.Equal(("GenerationFailed", "INSTANCE_LOST"), (final.String("__typename"), final.String("code")));
        var streamed = InstanceLossTests.Text(watching);
        var stored = (await b.Client.PostGraphQLAsync(Query, new { id }))["data"]!["generation"]!;
        Assert.Equal("FAILED", stored.String("status"));
        // With Redis, every chunk a viewer saw was in the stream, so the stored reply holds all of it.
        Assert.Equal(streamed, stored.String("message.content"));
        Assert.StartsWith(streamed, string.Concat(EchoChatCompletionService.ReplyTokens(prompt, 400)), StringComparison.Ordinal);

        static int Count(List<JsonObject> results)
        {
            lock (results)
                return results.Count;
        }
    }
}
