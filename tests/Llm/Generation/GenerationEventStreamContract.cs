using LlmPlatform.Llm.Generation;
using static LlmPlatform.Llm.Tests.Generation.TestGenerations;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>
/// What every <see cref="IGenerationEventStream"/> promises, checked through a writer (the instance that runs the
/// generation) and a reader (where a viewer watches it; the same instance in memory, another one over Redis).
/// </summary>
public abstract class GenerationEventStreamContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _instances = [];

    /// <summary>The streams of one test, and how to make a finished generation's retention pass.</summary>
    protected sealed record Streams(IGenerationEventStream Writer, IGenerationEventStream Reader, Func<Task> LetRetentionPassAsync);

    /// <summary>Makes the writer and reader streams; <paramref name="instances"/> collects what to dispose after the test.</summary>
    protected abstract Streams Create(int replayBufferSize, TimeSpan retainFinishedFor, List<IAsyncDisposable> instances);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
    }

    private Streams Create(int replayBufferSize = 65_536, TimeSpan? retainFinishedFor = null) =>
        Create(replayBufferSize, retainFinishedFor ?? TimeSpan.FromMinutes(5), _instances);

    [Fact]
    public async Task Read_FromTheStart_GetsTheStartEveryChunkInOrderAndTheFinalEvent()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 1000);
        var completed = await CompleteAsync(streams.Writer, started.GenerationId, 1000);

        var events = await StreamViewer.Start(streams.Reader, started.GenerationId).TakeAllAsync();

        Assert.Equal(started, events[0]);
        var chunks = events.OfType<TokenChunk>().ToList();
        Assert.Equal(Enumerable.Range(0, 1000), chunks.Select(c => c.Index));
        Assert.Equal(Text(0, 1000), string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal(completed, events[^1]);
        Assert.Equal(1002, events.Count);
    }

    [Fact]
    public async Task Read_AViewerThatJoinsMidStream_GetsTheRestAsItArrives()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 300);
        var viewer = StreamViewer.Start(streams.Reader, started.GenerationId);
        await viewer.TakeThroughAsync(299);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 300, 300);
        await CompleteAsync(streams.Writer, started.GenerationId, 600);

        var events = await viewer.TakeAllAsync();

        Assert.Equal(Enumerable.Range(0, 600), events.OfType<TokenChunk>().Select(c => c.Index));
        Assert.IsType<GenerationCompleted>(events[^1]);
    }

    [Fact]
    public async Task Read_AfterAnIndex_ResumesRightAfterIt()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 500);
        await CompleteAsync(streams.Writer, started.GenerationId, 500);

        var events = await StreamViewer.Start(streams.Reader, started.GenerationId, afterIndex: 123).TakeAllAsync();

        Assert.Equal(Enumerable.Range(124, 376), events.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Text(124, 376), string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
        Assert.IsType<GenerationCompleted>(events[^1]);
    }

    [Fact]
    public async Task Read_AfterAnIndexBeyondTheReplayBuffer_IsRefusedWithReplayUnavailable_WhileOneStillKeptResumes()
    {
        var streams = Create(replayBufferSize: 300);
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 1000);
        await CompleteAsync(streams.Writer, started.GenerationId, 1000);

        var resumed = await StreamViewer.Start(streams.Reader, started.GenerationId, afterIndex: 900).TakeAllAsync();
        var refused = await Assert.ThrowsAsync<GenerationStreamException>(
            () => StreamViewer.Start(streams.Reader, started.GenerationId, afterIndex: 10).TakeAllAsync());

        Assert.Equal(Enumerable.Range(901, 99), resumed.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(GenerationErrorCodes.ReplayUnavailable, refused.Code);
    }

    [Fact]
    public async Task FindAndRead_AfterTheRetentionOfAFinishedGeneration_SayNotFound()
    {
        var streams = Create(retainFinishedFor: TimeSpan.FromSeconds(3));
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 10);
        await CompleteAsync(streams.Writer, started.GenerationId, 10);
        var whileKept = await StreamViewer.Start(streams.Reader, started.GenerationId).TakeAllAsync();

        await streams.LetRetentionPassAsync();
        await WaitUntilAsync(async () => await streams.Reader.FindAsync(started.GenerationId, default) is null);
        var refused = await Assert.ThrowsAsync<GenerationStreamException>(
            () => StreamViewer.Start(streams.Reader, started.GenerationId).TakeAllAsync());

        Assert.Equal(12, whileKept.Count);
        Assert.Equal(GenerationErrorCodes.NotFound, refused.Code);
        Assert.Null(await streams.Writer.FindAsync(started.GenerationId, default));
    }

    [Fact]
    public async Task FindAndRead_AnUnknownGeneration_SayNotFound()
    {
        var streams = Create();

        var refused = await Assert.ThrowsAsync<GenerationStreamException>(
            () => StreamViewer.Start(streams.Reader, Guid.NewGuid()).TakeAllAsync());

        Assert.Equal(GenerationErrorCodes.NotFound, refused.Code);
        Assert.Null(await streams.Reader.FindAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task Find_OnTheReader_ReturnsTheStartEvent()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 1);
        await StreamViewer.Start(streams.Reader, started.GenerationId).TakeThroughAsync(0);

        Assert.Equal(started, await streams.Reader.FindAsync(started.GenerationId, default));
    }

    [Fact]
    public async Task ReadRetained_GivesTheHeldChunksAfterAnIndexAtOnce_AndNullForAnUnknownGeneration()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 50);
        await StreamViewer.Start(streams.Reader, started.GenerationId).TakeThroughAsync(49);

        var all = await streams.Reader.ReadRetainedAsync(started.GenerationId, -1, default);
        var after = await streams.Reader.ReadRetainedAsync(started.GenerationId, 19, default);
        var unknown = await streams.Reader.ReadRetainedAsync(Guid.NewGuid(), -1, default);

        Assert.Equal(Enumerable.Range(0, 50), all!.Select(c => c.Index));
        Assert.Equal(Text(0, 50), string.Concat(all!.Select(c => c.Text)));
        Assert.Equal(Enumerable.Range(20, 30), after!.Select(c => c.Index));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task ReadRetained_AfterAnIndexTrimmedAway_IsNull_WhileOneStillKeptGivesTheRest()
    {
        var streams = Create(replayBufferSize: 300);
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 1000);
        await CompleteAsync(streams.Writer, started.GenerationId, 1000);
        await StreamViewer.Start(streams.Reader, started.GenerationId, afterIndex: 998).TakeAllAsync();

        var kept = await streams.Reader.ReadRetainedAsync(started.GenerationId, 900, default);
        var trimmed = await streams.Reader.ReadRetainedAsync(started.GenerationId, 10, default);

        Assert.Equal(Enumerable.Range(901, 99), kept!.Select(c => c.Index));
        Assert.Null(trimmed);
    }

    [Fact]
    public async Task EndOrphan_ARunningGeneration_EndsItForLiveAndResumingViewers_Once()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        await AppendChunksAsync(streams.Writer, started.GenerationId, 0, 5);
        var live = StreamViewer.Start(streams.Reader, started.GenerationId);
        await live.TakeThroughAsync(4);
        var lost = new GenerationFailed(started.GenerationId, "INSTANCE_LOST", "The instance running it stopped.", 7, null);

        var ended = await streams.Reader.EndOrphanAsync(lost, default);
        var liveEvents = await live.TakeAllAsync();
        var resumed = await StreamViewer.Start(streams.Reader, started.GenerationId, afterIndex: 4).TakeAllAsync();
        var endedAgain = await streams.Reader.EndOrphanAsync(lost with { Message = "again" }, default);

        Assert.True(ended);
        Assert.Equal(lost, liveEvents[^1]);
        Assert.Equal(7, liveEvents.Count);
        Assert.Equal([lost], resumed);
        Assert.False(endedAgain);
    }

    [Fact]
    public async Task EndOrphan_AFinishedOrUnknownGeneration_ChangesNothing()
    {
        var streams = Create();
        var started = await OpenAsync(streams.Writer);
        var completed = await CompleteAsync(streams.Writer, started.GenerationId, 0);
        await StreamViewer.Start(streams.Reader, started.GenerationId).TakeAllAsync();

        var endedFinished = await streams.Reader.EndOrphanAsync(new GenerationFailed(started.GenerationId, "INSTANCE_LOST", "x", null, null), default);
        var endedUnknown = await streams.Reader.EndOrphanAsync(new GenerationFailed(Guid.NewGuid(), "INSTANCE_LOST", "x", null, null), default);
        var events = await StreamViewer.Start(streams.Reader, started.GenerationId).TakeAllAsync();

        Assert.False(endedFinished);
        Assert.False(endedUnknown);
        Assert.Equal([started, completed], events);
    }
}
