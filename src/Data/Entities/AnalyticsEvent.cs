namespace LlmPlatform.Data.Entities;

/// <summary>An event a client reports (a page view, a button press), with free-form JSON properties.</summary>
public sealed class AnalyticsEvent
{
    public const int NameMaxLength = 100;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>A JSON object, stored as text so both databases read it the same way.</summary>
    public string Properties { get; set; } = "{}";
    public Guid? UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
