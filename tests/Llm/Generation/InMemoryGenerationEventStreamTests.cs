using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Generation;

public sealed class InMemoryGenerationEventStreamTests
{
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public async Task ReadAsync_ALongReplyBeyondTheInitialBuffer_ReplaysEveryChunkInOrderToALateReader()
    {
        var (stream, id) = await OpenAsync(replayBufferSize: 4096);
        await AppendChunksAsync(stream, id, 1000, finish: true);

        var events = await ReadAllAsync(stream, id, after: null);

        Assert.IsType<GenerationStarted>(events[0]);
        Assert.Equal(Enumerable.Range(0, 1000), events.OfType<TokenChunk>().Select(c => c.Index));
        Assert.IsType<GenerationCompleted>(events[^1]);
    }

    [Fact]
    public async Task ReadAsync_AfterAnIndexStillKept_ResumesThere_AndOneNoLongerKeptIsRefused()
    {
        var (stream, id) = await OpenAsync(replayBufferSize: 300);
        await AppendChunksAsync(stream, id, 1000, finish: true);

        var resumed = await ReadAllAsync(stream, id, after: 900);
        Assert.Equal(Enumerable.Range(901, 99), resumed.OfType<TokenChunk>().Select(c => c.Index));

        var refused = await Assert.ThrowsAsync<GenerationStreamException>(() => ReadAllAsync(stream, id, after: 10));
        Assert.Equal(GenerationErrorCodes.ReplayUnavailable, refused.Code);
    }

    [Fact]
    public async Task ReadAsync_AReaderThatJoinsMidStream_GetsTheRestAsItArrives()
    {
        var (stream, id) = await OpenAsync(replayBufferSize: 4096);
        await AppendChunksAsync(stream, id, 300, finish: false);
        var reading = ReadAllAsync(stream, id, after: null);
        await AppendChunksAsync(stream, id, 300, finish: true, from: 300);

        var events = await reading;
        Assert.Equal(Enumerable.Range(0, 600), events.OfType<TokenChunk>().Select(c => c.Index));
    }

    private static async Task<(InMemoryGenerationEventStream Stream, Guid Id)> OpenAsync(int replayBufferSize)
    {
        var stream = new InMemoryGenerationEventStream(
            Options.Create(new GenerationOptions { ReplayBufferSize = replayBufferSize }), TimeProvider.System);
        var id = Guid.NewGuid();
        await stream.OpenAsync(new GenerationStarted(id, Guid.NewGuid(), null, Owner, 1, "echo", "echo-1", DateTime.UtcNow), default);
        return (stream, id);
    }

    private static async Task AppendChunksAsync(InMemoryGenerationEventStream stream, Guid id, int count, bool finish, int from = 0)
    {
        for (var i = from; i < from + count; i++)
            await stream.AppendAsync(new TokenChunk(id, i, $" t{i}"), default);
        if (finish)
            await stream.AppendAsync(new GenerationCompleted(id, 2, new GenerationUsage(1, count, true, 1, 1, 0)), default);
    }

    private static async Task<List<GenerationEvent>> ReadAllAsync(InMemoryGenerationEventStream stream, Guid id, int? after)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<GenerationEvent>();
        await foreach (var e in stream.ReadAsync(id, after, timeout.Token))
            events.Add(e);
        return events;
    }
}
