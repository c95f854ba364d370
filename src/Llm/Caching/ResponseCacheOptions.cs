using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Caching;

/// <summary>The exact-match response cache. Section <c>Llm:Cache</c>.</summary>
public sealed class ResponseCacheOptions : IValidatableObject
{
    public const string Section = "Llm:Cache";

    /// <summary>Off, no generation is looked up or stored, whatever personas and requests ask.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a stored reply is served.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>In memory: most replies kept; the least recently used go first.</summary>
    [Range(1, 100_000_000)]
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>In memory: most bytes of stored replies kept; the least recently used go first.</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest reply stored, in bytes once serialized (in memory and in Redis); larger ones are not cached.</summary>
    [Range(256, 512 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>In Redis: prefix of the cache's keys.</summary>
    [Required]
    public string RedisKeyPrefix { get; set; } = "llmplatform:cache:";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxEntryBytes > MaxBytes)
            yield return new($"{Section}:MaxEntryBytes must be at most {Section}:MaxBytes, or no reply fits.", [nameof(MaxEntryBytes)]);
    }
}
