using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// This instance's part in keeping generations alive and honest, on a steady beat: it checkpoints the text of the
/// generations running here and renews their leases, tells the other instances which generations its viewers watch,
/// cancels a generation here once nobody anywhere has watched it for <see cref="GenerationOptions.CancelWhenUnwatchedAfter"/>,
/// and carries out cancel requests from any instance.
/// </summary>
internal sealed partial class GenerationHeartbeat(
    ActiveGenerations active,
    GenerationViewers viewers,
    IGenerationSignals signals,
    GenerationStore store,
    TimeProvider clock,
    IOptions<GenerationOptions> options,
    ILogger<GenerationHeartbeat> logger) : BackgroundService
{
    private static readonly TimeSpan LongestBeat = TimeSpan.FromSeconds(1);

    // Remote viewers report on every beat; one that has not reported for two beats has left.
    private static readonly TimeSpan RemoteViewerSilence = 2 * LongestBeat;

    private static readonly TimeSpan CancelFlagCheckInterval = TimeSpan.FromSeconds(5);

    private DateTimeOffset _lastCheckpoint;
    private DateTimeOffset _lastFlagCheck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var cancelRequests = signals.OnCancelRequested(id =>
        {
            active.Cancel(id);
            return ValueTask.CompletedTask;
        });
        viewers.LastLeft += OnLastLeft;
        // The first checkpoint comes one interval after start, like every later one (not on the first beat).
        _lastCheckpoint = clock.GetUtcNow();
        try
        {
            var beat = options.Value.CheckpointInterval < LongestBeat ? options.Value.CheckpointInterval : LongestBeat;
            using var timer = new PeriodicTimer(beat, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await BeatAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A database or Redis blip: the next beat tries again, and leases outlast several beats.
                    LogBeatFailed(logger, e.GetType().Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            viewers.LastLeft -= OnLastLeft;
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await CheckpointAsync(now, cancellationToken);
        await CancelUnwatchedAsync(now, cancellationToken);
        foreach (var id in viewers.Watched().Where(id => !active.IsRunning(id)).ToList())
            await signals.MarkWatchedAsync(id, cancellationToken);
        viewers.ForgetIdle(now - Max(options.Value.CancelWhenUnwatchedAfter ?? TimeSpan.Zero, TimeSpan.FromMinutes(1)));
    }

    private async Task CheckpointAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var checkpointDue = now - _lastCheckpoint >= settings.CheckpointInterval;
        var due = new List<(ActiveGenerations.Running Running, GenerationCheckpoint Checkpoint)>();
        foreach (var running in active.All)
        {
            if (checkpointDue && running.TakeCheckpoint() is { } reply)
                due.Add((running, new GenerationCheckpoint(running.Started.GenerationId, reply.Text, reply.Chunks)));
            else if (now - running.LeaseRenewedAt >= settings.LeaseDuration / 3)
                due.Add((running, new GenerationCheckpoint(running.Started.GenerationId, null, 0)));
        }
        if (checkpointDue)
            _lastCheckpoint = now;
        if (due.Count == 0)
            return;
        await store.CheckpointAsync(due.Select(d => d.Checkpoint).ToList(), cancellationToken);
        foreach (var (running, _) in due)
            running.LeaseRenewedAt = now;
    }

    private async Task CancelUnwatchedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (options.Value.CancelWhenUnwatchedAfter is not { } grace)
            return;
        // The durable cancel flag only backs up a cancel request's message that an instance missed (a Redis reconnect):
        // reading it for every generation on every beat would cost a Redis round trip per generation per second.
        var checkFlags = now - _lastFlagCheck >= CancelFlagCheckInterval;
        if (checkFlags)
            _lastFlagCheck = now;
        foreach (var running in active.All.ToList())
        {
            var id = running.Started.GenerationId;
            if (await IsUnwatchedAsync(id, now, grace, cancellationToken))
                running.Cancel();
            else if (checkFlags && await signals.IsCancelRequestedAsync(id, cancellationToken))
                running.Cancel();
        }
    }

    /// <summary>Nobody has watched it here or anywhere for <paramref name="grace"/>, though someone once did.</summary>
    private async Task<bool> IsUnwatchedAsync(Guid generationId, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        var (count, lastLeftAt) = viewers.Of(generationId);
        if (count > 0)
            return false;
        var remote = await signals.LastWatchedAsync(generationId, cancellationToken);
        if (remote is { } seen && now - seen < RemoteViewerSilence)
            return false;
        var idleSince = Max(lastLeftAt, remote);
        return idleSince is { } since && now - since >= grace;
    }

    // Without a wait, the last viewer leaving cancels at once rather than on the next beat.
    private void OnLastLeft(Guid generationId)
    {
        if (!active.IsRunning(generationId))
        {
            _ = ReportLeftAsync(generationId);
            return;
        }
        if (options.Value.CancelWhenUnwatchedAfter is { } grace && grace <= TimeSpan.Zero)
            _ = CancelIfUnwatchedAsync(generationId);
    }

    private async Task ReportLeftAsync(Guid generationId)
    {
        try
        {
            await signals.MarkWatchedAsync(generationId, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogBeatFailed(logger, e.GetType().Name, e.Message);
        }
    }

    private async Task CancelIfUnwatchedAsync(Guid generationId)
    {
        try
        {
            if (await IsUnwatchedAsync(generationId, clock.GetUtcNow(), TimeSpan.Zero, CancellationToken.None))
                active.Cancel(generationId);
        }
        catch (Exception e)
        {
            LogBeatFailed(logger, e.GetType().Name, e.Message);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Generation heartbeat: {ExceptionType}: {Failure}; trying again on the next beat")]
    private static partial void LogBeatFailed(ILogger logger, string exceptionType, string failure);
}
