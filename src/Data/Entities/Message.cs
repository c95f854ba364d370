namespace LlmPlatform.Data.Entities;

/// <summary>One turn of a conversation.</summary>
public sealed class Message
{
    /// <summary>Database-assigned and increasing, so it also orders a conversation's messages.</summary>
    public long Id { get; set; }
    public Guid ConversationId { get; set; }
    public Conversation? Conversation { get; set; }
    public MessageRole Role { get; set; }
    public string Content { get; set; } = "";
    public int? TokenCount { get; set; }
    public FinishReason? FinishReason { get; set; }
    public Guid? GenerationId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The shape the reply was asked for; null for messages the model did not write, and for older replies.</summary>
    public ResponseFormatKind? ResponseFormat { get; set; }
}

public enum MessageRole
{
    System,
    User,
    Assistant,
}

/// <summary>The shape a generated reply was asked to have.</summary>
public enum ResponseFormatKind
{
    Text,
    JsonObject,
    JsonSchema,
}

public enum FinishReason
{
    Stop,
    Length,
    Cancelled,
    Error,
}
