namespace LlmPlatform.Data.Entities;

/// <summary>
/// The usage of one hour (UTC), per user, provider, model and persona, summed from <see cref="UsageEvent"/> rows by the
/// background worker, so that long ranges are read from a few rows instead of every generation's.
/// </summary>
public sealed class UsageRollup : UsageRollupSums
{
    public Guid UserId { get; set; }
    public Guid? PersonaId { get; set; }
}
