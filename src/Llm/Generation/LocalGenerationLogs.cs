using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// The logs of the generations this instance runs, each kept <see cref="GenerationOptions.RetainFinishedFor"/> after
/// its final event for late viewers and resumes.
/// </summary>
internal sealed class LocalGenerationLogs(IOptions<GenerationOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, GenerationLog> _logs = new();

    public GenerationLog Open(GenerationStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var log = new GenerationLog(started, options.Value.ReplayBufferSize);
        if (!_logs.TryAdd(started.GenerationId, log))
            throw new InvalidOperationException($"Generation {started.GenerationId} is already open.");
        return log;
    }

    public GenerationLog Append(GenerationEvent generationEvent)
    {
        ArgumentNullException.ThrowIfNull(generationEvent);
        if (!_logs.TryGetValue(generationEvent.GenerationId, out var log))
            throw new InvalidOperationException($"Generation {generationEvent.GenerationId} is not open.");
        if (log.Append(generationEvent))
            ForgetLater(generationEvent.GenerationId);
        return log;
    }

    /// <summary>Appends the final event of a generation held here that has none yet; false otherwise.</summary>
    public bool TryFinish(GenerationEvent final)
    {
        ArgumentNullException.ThrowIfNull(final);
        if (!GenerationLog.IsFinal(final))
            throw new ArgumentException("Only a GenerationCompleted or GenerationFailed ends a generation.", nameof(final));
        if (!_logs.TryGetValue(final.GenerationId, out var log) || !log.TryFinish(final))
            return false;
        ForgetLater(final.GenerationId);
        return true;
    }

    public GenerationLog? Find(Guid generationId) => _logs.GetValueOrDefault(generationId);

    public static GenerationStreamException NotFound() =>
        new(GenerationErrorCodes.NotFound, "No such generation, or it finished too long ago to watch.");

    // Finished: keep it for late viewers and resumes for a while, then let it go.
    private void ForgetLater(Guid generationId) =>
        _ = Task.Delay(options.Value.RetainFinishedFor, clock, CancellationToken.None)
            .ContinueWith(_ => _logs.TryRemove(generationId, out var _), TaskScheduler.Default);
}
