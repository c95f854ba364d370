using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>Generations written straight to a stream, as the generation runner writes them, with texts a test can check.</summary>
public static class TestGenerations
{
    private static readonly Guid Owner = Guid.NewGuid();

    public static async Task<GenerationStarted> OpenAsync(IGenerationEventStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var started = new GenerationStarted(Guid.NewGuid(), Guid.NewGuid(), null, Owner, 1, "echo", "echo-1",
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        await stream.OpenAsync(started, default);
        return started;
    }

    public static async Task AppendChunksAsync(IGenerationEventStream stream, Guid generationId, int from, int count)
    {
        ArgumentNullException.ThrowIfNull(stream);
        for (var i = from; i < from + count; i++)
            await stream.AppendAsync(new TokenChunk(generationId, i, Piece(i)), default);
    }

    public static async Task<GenerationCompleted> CompleteAsync(IGenerationEventStream stream, Guid generationId, int chunks)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var completed = new GenerationCompleted(generationId, 2, new GenerationUsage(3, chunks, true, 40, 5, 0.25m));
        await stream.AppendAsync(completed, default);
        return completed;
    }

    /// <summary>The text of chunk i: distinct per index, with characters JSON must escape.</summary>
    public static string Piece(int i) => i % 7 == 0 ? $" \"é{i}\"\n" : $" t{i}";

    public static string Text(int from, int count) => string.Concat(Enumerable.Range(from, count).Select(Piece));

    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
            await Task.Delay(50, timeout.Token);
    }
}
