using LlmPlatform.Llm.Generation;
using static LlmPlatform.Llm.Tests.Generation.TestGenerations;

namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>
/// Redis killed and started again (empty) mid-stream, on a redis-server of the test's own: the generating instance
/// goes on, its local viewers keep receiving, remote viewers resume with nothing lost, or end with STREAM_UNAVAILABLE
/// when Redis stays away past the setting.
/// </summary>
public sealed class RedisRestartTests
{

    [Fact]
    public async Task RedisRestartsMidStream_LocalViewersKeepReceiving_AndRemoteViewersResumeWithNothingLost()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = Instance(redis, streamUnavailableAfter: "00:05:00");
        await using var b = Instance(redis, streamUnavailableAfter: "00:05:00");
        var started = await OpenAsync(a.Stream);
        var local = StreamViewer.Start(a.Stream, started.GenerationId);
        var remote = StreamViewer.Start(b.Stream, started.GenerationId);
        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 100);
        await remote.TakeThroughAsync(99);

        await redis.KillAsync();
        await AppendChunksAsync(a.Stream, started.GenerationId, 100, 100);
        await local.TakeThroughAsync(199);
        var openedWhileAway = await OpenAsync(a.Stream);
        await redis.StartAgainAsync();
        await AppendChunksAsync(a.Stream, started.GenerationId, 200, 100);
        await CompleteAsync(a.Stream, started.GenerationId, 300);

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
        var started = await OpenAsync(a.Stream);
        var local = StreamViewer.Start(a.Stream, started.GenerationId);
        var remote = StreamViewer.Start(b.Stream, started.GenerationId);
        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 10);
        await remote.TakeThroughAsync(9);

        await redis.KillAsync();
        var refused = await Assert.ThrowsAsync<GenerationStreamException>(remote.TakeAllAsync);
        await AppendChunksAsync(a.Stream, started.GenerationId, 10, 10);
        await CompleteAsync(a.Stream, started.GenerationId, 20);
        var localEvents = await local.TakeAllAsync();

        Assert.Equal(GenerationErrorCodes.StreamUnavailable, refused.Code);
        Assert.Equal(Enumerable.Range(0, 10), remote.Taken.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Enumerable.Range(0, 20), localEvents.OfType<TokenChunk>().Select(c => c.Index));
        Assert.IsType<GenerationCompleted>(localEvents[^1]);
    }

    [Fact]
    public async Task RedisAwayLongerThanTheLocalLogHolds_RemoteViewersEndWithReplayUnavailable_AndLaterOnesResumeAfterTheGap()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = Instance(redis, streamUnavailableAfter: "00:05:00", replayBufferSize: 16);
        await using var b = Instance(redis, streamUnavailableAfter: "00:05:00", replayBufferSize: 16);
        var started = await OpenAsync(a.Stream);
        var remote = StreamViewer.Start(b.Stream, started.GenerationId);
        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 5);
        await remote.TakeThroughAsync(4);

        await redis.KillAsync();
        // Far more than the local log keeps (16): Redis will never get the first of them.
        await AppendChunksAsync(a.Stream, started.GenerationId, 5, 100);
        await redis.StartAgainAsync();
        await CompleteAsync(a.Stream, started.GenerationId, 105);
        var refused = await Assert.ThrowsAsync<GenerationStreamException>(remote.TakeAllAsync);
        var resumed = await StreamViewer.Start(b.Stream, started.GenerationId, afterIndex: 100).TakeAllAsync();

        Assert.Equal(GenerationErrorCodes.ReplayUnavailable, refused.Code);
        Assert.Equal(Enumerable.Range(0, 5), remote.Taken.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Enumerable.Range(101, 4), resumed.OfType<TokenChunk>().Select(c => c.Index));
        Assert.IsType<GenerationCompleted>(resumed[^1]);
    }

    private static StreamInstance Instance(RedisServerProcess redis, string streamUnavailableAfter, int replayBufferSize = 65_536) =>
        StreamInstance.Create(RedisStreamSettings.For(redis.ConnectionString, "restart:",
            ("Llm:Generation:StreamUnavailableAfter", streamUnavailableAfter),
            ("Llm:Generation:StreamPollInterval", "00:00:00.100"),
            ("Llm:Generation:RedisCommandTimeout", "00:00:01"),
            ("Llm:Generation:ReplayBufferSize", replayBufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture))));
}
