using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>
/// Redis killed and started again (empty) mid-stream, on a redis-server of the test's own: the generating instance
/// goes on, its local viewers keep receiving, remote viewers resume with nothing lost, or end with STREAM_UNAVAILABLE
/// when Redis stays away past the setting.
/// </summary>
public sealed class RedisRestartTests
{
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public async Task RedisRestartsMidStream_LocalViewersKeepReceiving_AndRemoteViewersResumeWithNothingLost()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = Instance(redis, streamUnavailableAfter: "00:05:00");
        await using var b = Instance(redis, streamUnavailableAfter: "00:05:00");
        var started = await OpenAsync(a);
        var local = StreamViewer.Start(a.Stream, started.GenerationId);
        var remote = StreamViewer.Start(b.Stream, started.GenerationId);
        await AppendChunksAsync(a, started.GenerationId, 0, 100);
        await remote.TakeThroughAsync(99);

        await redis.KillAsync();
        await AppendChunksAsync(a, started.GenerationId, 100, 100);
        await local.TakeThroughAsync(199);
        var openedWhileAway = await OpenAsync(a);
        await redis.StartAgainAsync();
        await AppendChunksAsync(a, started.GenerationId, 200, 100);
        await a.Stream.AppendAsync(Completed(started.GenerationId, 300), default);

        var remoteEvents = await remote.TakeAllAsync();
        var localEvents = await local.TakeAllAsync();
        Assert.Equal(Enumerable.Range(0, 300), remoteEvents.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Text(0, 300), string.Concat(remoteEvents.OfType<TokenChunk>().Select(c => c.Text)));
        Assert.IsType<GenerationCompleted>(remoteEvents[^1]);
        Assert.Equal(localEvents, remoteEvents);
        // The one opened during the outage reached Redis once it was back.
        await WaitUntilAsync(async () => await b.Stream.FindAsync(openedWhileAway.GenerationId, default) is not null);
    }

    [Fact]
    public async Task RedisAwayPastStreamUnavailableAfter_RemoteViewersEndWithStreamUnavailable_WhileTheGenerationGoesOn()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = Instance(redis, streamUnavailableAfter: "00:00:01");
        await using var b = Instance(redis, streamUnavailableAfter: "00:00:01");
        var started = await OpenAsync(a);
        var local = StreamViewer.Start(a.Stream, started.GenerationId);
        var remote = StreamViewer.Start(b.Stream, started.GenerationId);
        await AppendChunksAsync(a, started.GenerationId, 0, 10);
        await remote.TakeThroughAsync(9);

        await redis.KillAsync();
        var refused = await Assert.ThrowsAsync<GenerationStreamException>(remote.TakeAllAsync);
        await AppendChunksAsync(a, started.GenerationId, 10, 10);
        await a.Stream.AppendAsync(Completed(started.GenerationId, 20), default);
        var localEvents = await local.TakeAllAsync();

        Assert.Equal(GenerationErrorCodes.StreamUnavailable, refused.Code);
        Assert.Equal(Enumerable.Range(0, 10), remote.Taken.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Enumerable.Range(0, 20), localEvents.OfType<TokenChunk>().Select(c => c.Index));
        Assert.IsType<GenerationCompleted>(localEvents[^1]);
    }

    private static StreamInstance Instance(RedisServerProcess redis, string streamUnavailableAfter) =>
        StreamInstance.Create(RedisStreamSettings.For(redis.ConnectionString, "restart:",
            ("Llm:Generation:StreamUnavailableAfter", streamUnavailableAfter),
            ("Llm:Generation:StreamPollInterval", "00:00:00.100"),
            ("Llm:Generation:RedisCommandTimeout", "00:00:01")));

    private static async Task<GenerationStarted> OpenAsync(StreamInstance instance)
    {
        var started = new GenerationStarted(Guid.NewGuid(), Guid.NewGuid(), null, Owner, 1, "echo", "echo-1", DateTime.UtcNow);
        await instance.Stream.OpenAsync(started, default);
        return started;
    }

    private static async Task AppendChunksAsync(StreamInstance instance, Guid generationId, int from, int count)
    {
        for (var i = from; i < from + count; i++)
            await instance.Stream.AppendAsync(new TokenChunk(generationId, i, $" r{i}"), default);
    }

    private static string Text(int from, int count) => string.Concat(Enumerable.Range(from, count).Select(i => $" r{i}"));

    private static GenerationCompleted Completed(Guid generationId, int chunks) =>
        new(generationId, 2, new GenerationUsage(1, chunks, true, 1, 1, 0));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
            await Task.Delay(50, timeout.Token);
    }
}
