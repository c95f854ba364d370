namespace LlmPlatform.Data.Entities;

/// <summary>
/// The usage of one hour (UTC) per provider and model, for all users and personas together: the sum of that hour's
/// <see cref="UsageRollup"/> rows, written with them. The operator's overview (cost and latency per model per day, for
/// everyone) reads one row per model and hour here instead of one per user, model and persona.
/// </summary>
public sealed class UsageModelRollup : UsageRollupSums;
