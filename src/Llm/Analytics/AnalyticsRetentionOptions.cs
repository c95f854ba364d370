using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Analytics;

/// <summary>How long the worker keeps analytics rows. Section <c>Analytics:Retention</c>.</summary>
public sealed class AnalyticsRetentionOptions : IValidatableObject
{
    public const string Section = "Analytics:Retention";

    /// <summary>
    /// Raw usage rows (one per generation) older than this are deleted, and only once their hour is rolled up. Usage
    /// queries read raw rows, so this is also how far back they see.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan UsageEvents { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Hourly usage rollups older than this are deleted.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan Rollups { get; set; } = TimeSpan.FromDays(1100);

    /// <summary>Product events (<c>trackEvent</c>) older than this, by when they occurred, are deleted; 0 keeps them forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "36500.00:00:00")]
    public TimeSpan AnalyticsEvents { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the leader deletes what has aged out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most rows one statement deletes, so a first run over years of history holds no long lock or huge transaction.</summary>
    [Range(1, 10_000_000)]
    public int DeleteBatchSize { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Rollups < UsageEvents)
            yield return new ValidationResult("Analytics:Retention:Rollups must not be shorter than Analytics:Retention:UsageEvents: rollups outlive the rows they sum.", [nameof(Rollups)]);
    }
}
