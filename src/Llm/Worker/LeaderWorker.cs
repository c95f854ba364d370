using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Worker;

/// <summary>
/// Runs every registered <see cref="IWorkerJob"/>, each at its interval, on the one instance that holds the
/// <see cref="LeaderLock"/>; the others try to take it every <see cref="WorkerOptions.AcquireInterval"/>. A job that
/// throws is logged and runs again at its next interval. Losing the lock (its connection gone) stops the jobs at once.
/// </summary>
internal sealed partial class LeaderWorker(
    IEnumerable<IWorkerJob> jobs,
    LeaderLock leaderLock,
    WorkerLeadership leadership,
    IOptions<WorkerOptions> options,
    TimeProvider clock,
    ILogger<LeaderWorker> logger) : BackgroundService
{
    private readonly IReadOnlyList<IWorkerJob> _jobs = jobs.ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LeadWhileHoldingTheLockAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Redis or PostgreSQL unreachable: no one can prove they lead, so no one runs the jobs until it is back.
                Log.LockUnavailable(logger, e);
            }
            await Task.Delay(options.Value.AcquireInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task LeadWhileHoldingTheLockAsync(CancellationToken stoppingToken)
    {
        var distributedLock = await leaderLock.GetAsync(stoppingToken);
        await using var handle = distributedLock is null ? null : await distributedLock.TryAcquireAsync(TimeSpan.Zero, stoppingToken);
        if (distributedLock is not null && handle is null)
            return;
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, handle?.HandleLostToken ?? CancellationToken.None);
        leadership.IsLeader = true;
        Log.Leading(logger, _jobs.Count);
        try
        {
            // Leads until stopped or the lock is lost, with or without jobs: letting go and taking it again would only
            // make leadership flap.
            await Task.WhenAll(_jobs.Select(job => RunPeriodicallyAsync(job, leading.Token))
                .Append(Task.Delay(Timeout.InfiniteTimeSpan, clock, leading.Token)));
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            Log.LeadershipLost(logger);
        }
        finally
        {
            leadership.IsLeader = false;
        }
    }

    private async Task RunPeriodicallyAsync(IWorkerJob job, CancellationToken leading)
    {
        while (true)
        {
            leading.ThrowIfCancellationRequested();
            try
            {
                await job.RunAsync(leading);
            }
            catch (Exception e) when (!leading.IsCancellationRequested)
            {
                Log.JobFailed(logger, job.Name, job.Interval, e);
            }
            await Task.Delay(job.Interval, clock, leading);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3331, Level = LogLevel.Information, Message = "This instance leads the background worker and runs its {Count} job(s)")]
        public static partial void Leading(ILogger logger, int count);

        [LoggerMessage(EventId = 3332, Level = LogLevel.Warning, Message = "This instance lost the worker's lock (its connection failed); its jobs stopped")]
        public static partial void LeadershipLost(ILogger logger);

        [LoggerMessage(EventId = 3333, Level = LogLevel.Error, Message = "Worker job {Job} failed; it runs again in {Interval}")]
        public static partial void JobFailed(ILogger logger, string job, TimeSpan interval, Exception exception);

        [LoggerMessage(EventId = 3334, Level = LogLevel.Warning, Message = "The worker's lock could not be reached; trying again")]
        public static partial void LockUnavailable(ILogger logger, Exception exception);
    }
}
