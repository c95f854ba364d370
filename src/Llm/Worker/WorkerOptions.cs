using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Worker;

/// <summary>The background worker and how instances agree on the one that runs it. Section <c>Worker</c>.</summary>
public sealed class WorkerOptions : IValidatableObject
{
    public const string Section = "Worker";

    /// <summary>Off: this instance never runs the jobs (nor competes to).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// With Redis, how long the leader's lock outlives the leader: when its instance dies without letting go, another
    /// takes over within this plus <see cref="AcquireInterval"/>. A live leader renews the lock at a third of it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an instance that does not lead tries to become the leader.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AcquireInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>With Redis, the prefix of the leader's lock key.</summary>
    [Required, MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:worker:";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AcquireInterval > LeaseDuration)
            yield return new ValidationResult("Worker:AcquireInterval must not be longer than Worker:LeaseDuration.", [nameof(AcquireInterval)]);
    }
}
