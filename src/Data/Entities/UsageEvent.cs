namespace LlmPlatform.Data.Entities;

/// <summary>One row per generation, whatever ended it: what it cost and how fast it was.</summary>
public sealed class UsageEvent
{
    public Guid Id { get; set; }
    public Guid GenerationId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public Guid? PersonaId { get; set; }
    public Guid? ConversationId { get; set; }
    public Guid UserId { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }

    /// <summary>True when the provider reported no usage and the tokens were counted here.</summary>
    public bool TokensEstimated { get; set; }
    public int LatencyMs { get; set; }
    public int? TimeToFirstTokenMs { get; set; }
    public GenerationStatus Status { get; set; }
    public bool Cached { get; set; }
    public decimal Cost { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Milliseconds the server itself added before the first token reached the viewers: from the start of the request's
    /// handling to the provider request, plus from the provider's first chunk to its publication. Null when no token came.
    /// </summary>
    public double? OverheadMs { get; set; }

    /// <summary>Targets of the generation's route tried, the one that served (or failed last) included; 1 without failover.</summary>
    public int Attempts { get; set; } = 1;
}

public enum GenerationStatus
{
    Completed,
    Cancelled,
    Failed,
    Running,
}
