namespace LlmPlatform.Llm.Worker;

/// <summary>Work that must run on one instance at a time, periodically.</summary>
public interface IWorkerJob
{
    string Name { get; }

    TimeSpan Interval { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
