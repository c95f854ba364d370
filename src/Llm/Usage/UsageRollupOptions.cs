using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Usage;

/// <summary>The hourly usage rollups the background worker writes. Section <c>Worker:UsageRollups</c>.</summary>
public sealed class UsageRollupOptions
{
    public const string Section = "Worker:UsageRollups";

    /// <summary>How often the leader brings the rollups up to date.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Closed hours recomputed on every run besides the current one, so a generation stored late (a reply that waited
    /// for the database, one ended by the sweeper) still lands in its hour.
    /// </summary>
    [Range(0, 168)]
    public int RecomputeHours { get; set; } = 2;

    /// <summary>Most hours one run fills when catching up (a new deployment, a long pause); the next run goes on.</summary>
    [Range(1, 100_000)]
    public int MaxHoursPerRun { get; set; } = 168;
}
