using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Analytics;

/// <summary>How long analytics rows are kept before the background worker deletes them. Section <c>Analytics:Retention</c>.</summary>
public sealed class AnalyticsRetentionOptions
{
    public const string Section = "Analytics:Retention";

    /// <summary>Product events (`trackEvent`) older than this, by when they occurred, are deleted; 0 keeps them forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan AnalyticsEvents { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the leader looks for rows to delete.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most rows one statement deletes, so a first run over a long backlog never holds one huge transaction.</summary>
    [Range(1, 1_000_000)]
    public int DeleteBatchSize { get; set; } = 10_000;
}
