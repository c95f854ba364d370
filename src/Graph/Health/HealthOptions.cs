using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Health;

/// <summary>How the readiness checks probe what the instance depends on. Section <c>Health</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long Redis has to answer a PING before the instance reports itself not ready.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
