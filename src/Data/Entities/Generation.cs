namespace LlmPlatform.Data.Entities;

/// <summary>
/// One reply being written, or written, by a provider into a conversation. The row exists from the generation's start,
/// so a generation survives the instance that ran it: while it runs, its text is checkpointed here and the instance
/// running it holds a lease it renews; once it ends, it points at the stored reply.
/// </summary>
public sealed class Generation
{
    public const int InstanceIdMaxLength = 100;
    public const int FailureCodeMaxLength = 64;
    public const int FailureMessageMaxLength = 1_000;

    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Conversation? Conversation { get; set; }
    public Guid? PersonaId { get; set; }
    public Guid OwnerId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public GenerationStatus Status { get; set; }

    /// <summary>The prompt's tokens as counted at the start, so a generation that loses its instance is still charged.</summary>
    public int PromptTokens { get; set; }

    /// <summary>While running: the reply as of the last checkpoint, made of its first <see cref="CheckpointChunks"/> chunks.</summary>
    public string CheckpointText { get; set; } = "";
    public int CheckpointChunks { get; set; }
    public DateTime? CheckpointedAt { get; set; }

    /// <summary>The instance running it; others leave it alone until <see cref="LeaseExpiresAt"/> has passed.</summary>
    public string InstanceId { get; set; } = "";
    public DateTime LeaseExpiresAt { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>The stored reply once the generation has ended.</summary>
    public long? MessageId { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
}
