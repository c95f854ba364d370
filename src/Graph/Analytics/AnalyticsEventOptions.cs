using System.ComponentModel.DataAnnotations;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Graph.Analytics;

/// <summary>What `trackEvent` accepts and how often, and how far `eventCounts` reaches. Section <c>Analytics:Events</c>.</summary>
public sealed class AnalyticsEventOptions : IValidatableObject
{
    public const string Section = "Analytics:Events";

    /// <summary>Longest event name, in characters; at most what its column holds.</summary>
    [Range(1, AnalyticsEvent.NameMaxLength)]
    public int MaxNameLength { get; set; } = AnalyticsEvent.NameMaxLength;

    /// <summary>What an event name must match (a .NET regular expression, anchored by the pattern itself).</summary>
    [Required]
    public string NamePattern { get; set; } = "^[a-z][a-z0-9_.:-]*$";

    /// <summary>Largest `properties` object, in bytes of compact UTF-8 JSON.</summary>
    [Range(2, 1_000_000)]
    public int MaxPropertiesBytes { get; set; } = 4096;

    /// <summary>Deepest nesting of objects and arrays in `properties`; the object itself is level 1.</summary>
    [Range(1, 32)]
    public int MaxPropertiesDepth { get; set; } = 4;

    /// <summary>Most keys in `properties`, counting the keys of nested objects too.</summary>
    [Range(1, 10_000)]
    public int MaxPropertiesKeys { get; set; } = 50;

    /// <summary>How far before the server's clock `occurredAt` may be (events queued offline are sent late).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan MaxPastSkew { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How far after the server's clock `occurredAt` may be (clients' clocks run fast).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events one caller (user, or address without a token) may track in any minute; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>In memory: most callers whose counts are kept at once; past it, new callers share one count.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedCallers { get; set; } = 100_000;

    /// <summary>In Redis: the prefix of the per-caller counters (every instance must agree).</summary>
    [Required]
    [MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:events:";

    /// <summary>Most events waiting to be stored; past it, `trackEvent` waits for room.</summary>
    [Range(1, 1_000_000)]
    public int WriteQueueCapacity { get; set; } = 10_000;

    /// <summary>Most events stored in one transaction.</summary>
    [Range(1, 10_000)]
    public int WriteBatchSize { get; set; } = 500;

    /// <summary>Most buckets one `eventCounts` may return (`TOO_MANY_BUCKETS` beyond).</summary>
    [Range(1, 100_000)]
    public int MaxBuckets { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = new System.Text.RegularExpressions.Regex(NamePattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }
        if (problem is not null)
            yield return new ValidationResult($"NamePattern is not a regular expression: {problem}", [nameof(NamePattern)]);
    }
}
