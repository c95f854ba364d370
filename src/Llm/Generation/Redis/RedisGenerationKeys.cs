using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// Names of the Redis keys and channels of generation streams and signals. A generation's keys share one hash tag, so
/// a Redis cluster keeps them on one node, as the scripts that touch several of them need.
/// </summary>
internal sealed class RedisGenerationKeys(string prefix)
{
    /// <summary>The stream of a generation's events after its start (entries of <see cref="GenerationStreamEntry"/>).</summary>
    public RedisKey Events(Guid generationId) => $"{prefix}{{{generationId:N}}}:events";

    /// <summary>The generation's start event, kept apart so a trimmed stream still says what the generation is.</summary>
    public RedisKey Start(Guid generationId) => $"{prefix}{{{generationId:N}}}:start";

    /// <summary>Hash of instance id to when a viewer there last watched the generation (Unix milliseconds).</summary>
    public RedisKey Watched(Guid generationId) => $"{prefix}{{{generationId:N}}}:watched";

    /// <summary>Set when some instance asked to cancel the generation.</summary>
    public RedisKey CancelRequested(Guid generationId) => $"{prefix}{{{generationId:N}}}:cancel";

    /// <summary>Rung after every write to the generation's stream, heard by instances that mirror it.</summary>
    public RedisChannel Doorbell(Guid generationId) => RedisChannel.Literal($"{prefix}{generationId:N}:bell");

    /// <summary>Carries the ids of generations some instance asked to cancel; every instance listens.</summary>
    public RedisChannel CancelRequests => RedisChannel.Literal($"{prefix}cancel");
}
