using LlmPlatform.Llm.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Tests.Worker;

/// <summary>The worker on one instance (SQLite, no lock to take): it leads, and a job that throws runs again.</summary>
public sealed class LeaderWorkerTests(LeaderWorkerTests.WorkerHost host) : IClassFixture<LeaderWorkerTests.WorkerHost>
{
    /// <summary>Throws on its first run, counts the others.</summary>
    public sealed class FlakyJob : IWorkerJob
    {
        private int _runs;

        public string Name => "flaky";

        public TimeSpan Interval => TimeSpan.FromMilliseconds(50);

        public int Runs => Volatile.Read(ref _runs);

        public TaskCompletionSource ThirdRun { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task RunAsync(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref _runs);
            if (run == 3)
                ThirdRun.TrySetResult();
            return run == 1 ? throw new InvalidOperationException("the first run fails") : Task.CompletedTask;
        }
    }

    public sealed class WorkerHost : LlmHost
    {
        protected override void ConfigureHost(HostApplicationBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.Services.AddSingleton<FlakyJob>();
            builder.Services.AddSingleton<IWorkerJob>(sp => sp.GetRequiredService<FlakyJob>());
        }
    }

    [Fact]
    public async Task JobThatThrows_RunsAgainAtItsNextInterval_AndTheInstanceStillLeads()
    {
        var job = host.Get<FlakyJob>();

        await job.ThirdRun.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(host.Get<WorkerLeadership>().IsLeader);
        Assert.True(job.Runs >= 3);
    }
}
