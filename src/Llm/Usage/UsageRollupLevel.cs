namespace LlmPlatform.Llm.Usage;

/// <summary>The rollup tables a usage query can read closed hours from, finest first.</summary>
internal enum UsageRollupLevel
{
    /// <summary><c>UsageRollups</c>: per hour, user, provider, model and persona.</summary>
    PerUser,

    /// <summary><c>UsageModelRollups</c>: per hour, provider and model, for everyone; many times fewer rows.</summary>
    PerModel,
}

internal static class UsageRollupLevels
{
    /// <summary>
    /// The coarsest level that still holds every key and filter of <paramref name="query"/>: per model unless it groups or
    /// filters by user or persona (a user's own usage always names the user, so it never reads the per-model level).
    /// </summary>
    public static UsageRollupLevel For(UsageQuery query) =>
        query.Groups(UsageDimension.User) || query.UserIds is not null || query.Groups(UsageDimension.Persona) || query.PersonaIds is not null
            ? UsageRollupLevel.PerUser
            : UsageRollupLevel.PerModel;

    public static string Table(this UsageRollupLevel level) => level == UsageRollupLevel.PerModel ? "UsageModelRollups" : "UsageRollups";
}

/// <summary>The whole hours [<see cref="From"/>, <see cref="To"/>) a usage query reads from rollups of <see cref="Level"/>.</summary>
internal sealed record RolledUpHours(DateTime From, DateTime To, UsageRollupLevel Level);
