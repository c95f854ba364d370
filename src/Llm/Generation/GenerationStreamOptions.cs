using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// How generation events and signals travel between instances over Redis (when <c>ConnectionStrings:Redis</c> is set).
/// Same section as <see cref="GenerationOptions"/>, <c>Llm:Generation</c>; every instance on one Redis must agree.
/// </summary>
public sealed class GenerationStreamOptions
{
    public const string Section = GenerationOptions.Section;

    /// <summary>
    /// A viewer of a generation running on another instance waits this long for Redis to come back before its stream
    /// ends with STREAM_UNAVAILABLE.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan StreamUnavailableAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an instance reads the generations it mirrors without being told to; a fallback for a lost
    /// notification, so also the longest such a loss delays a remote viewer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest one call into Redis may take before it counts as failed (and is retried where that is safe).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RedisCommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A running generation's events expire from Redis this long after it last wrote any (renewed by every write), so
    /// one whose instance died without ending it does not stay forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan RunningStreamTtl { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Most events one Redis stream entry (and so one write per generation) carries.</summary>
    [Range(1, 100_000)]
    public int StreamBatchSize { get; set; } = 1024;

    /// <summary>How long a cancel request and a "watched" mark stay in Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignalTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The prefix of every key and channel of generation streams and signals.</summary>
    [Required]
    [MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:generation:";
}
