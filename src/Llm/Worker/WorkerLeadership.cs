namespace LlmPlatform.Llm.Worker;

/// <summary>Whether this instance runs the worker's jobs now (for health and tests).</summary>
public sealed class WorkerLeadership
{
    private volatile bool _isLeader;

    public bool IsLeader
    {
        get => _isLeader;
        internal set => _isLeader = value;
    }
}
