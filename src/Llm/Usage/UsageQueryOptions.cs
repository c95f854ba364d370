using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Usage;

/// <summary>Limits of the usage queries. Section <c>Analytics</c>.</summary>
public sealed class UsageQueryOptions
{
    public const string Section = "Analytics";

    /// <summary>Most buckets one usage query may return; a query that would return more is refused (<c>TOO_MANY_BUCKETS</c>).</summary>
    [Range(1, 100_000)]
    public int MaxBuckets { get; set; } = 2000;

    /// <summary>Longest time range one usage query may cover.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3660.00:00:00")]
    public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(400);
}
