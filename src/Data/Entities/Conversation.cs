namespace LlmPlatform.Data.Entities;

/// <summary>A thread of messages between a user and a persona.</summary>
public sealed class Conversation
{
    public const int TitleMaxLength = 200;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";

    /// <summary>Null once the persona has been deleted; the conversation and its messages stay.</summary>
    public Guid? PersonaId { get; set; }
    public Persona? Persona { get; set; }

    public Guid OwnerId { get; set; }
    public PlatformUser? Owner { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<Message> Messages { get; set; } = [];
}
