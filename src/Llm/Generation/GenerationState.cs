namespace LlmPlatform.Llm.Generation;

/// <summary>Where a generation stands: running, or how it ended and what it stored.</summary>
public sealed record GenerationState(
    Guid Id, Guid ConversationId, Guid OwnerId, string Provider, string Model, GenerationPhase Status,
    long? MessageId, GenerationUsage? Usage, string? FailureCode = null, string? FailureMessage = null)
{
    public static GenerationState Running(GenerationStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        return new(started.GenerationId, started.ConversationId, started.OwnerId, started.Provider, started.Model, GenerationPhase.Running, null, null);
    }

    /// <summary>The final event a viewer gets for a generation that has ended.</summary>
    public GenerationEvent? FinalEvent() => Status switch
    {
        GenerationPhase.Completed or GenerationPhase.Cancelled when MessageId is { } messageId && Usage is { } usage =>
            new GenerationCompleted(Id, messageId, usage),
        GenerationPhase.Running => null,
        _ => new GenerationFailed(Id, FailureCode ?? GenerationErrorCodes.ProviderError, FailureMessage ?? "The generation failed.", MessageId, Usage),
    };
}

public enum GenerationPhase
{
    Running,
    Completed,
    Cancelled,
    Failed,
}
