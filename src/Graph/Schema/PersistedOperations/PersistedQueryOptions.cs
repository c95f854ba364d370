using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>Apollo's automatic persisted queries. Section <c>GraphQL:PersistedQueries</c>.</summary>
public sealed class PersistedQueryOptions
{
    public const string Section = "GraphQL:PersistedQueries";

    /// <summary>Answer the `persistedQuery` extension; off, it is ignored and a request without `query` is refused.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>In memory: the registered queries kept, by total length in characters; the least recently used go first.</summary>
    [Range(1, long.MaxValue)]
    public long MemoryCacheSize { get; set; } = 10_000_000;

    /// <summary>In Redis: prefix of the keys (one per query, named by its hash).</summary>
    [Required(AllowEmptyStrings = false)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:apq:";

    /// <summary>In Redis: how long a query is kept after it was last registered or used.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RedisTimeToLive { get; set; } = TimeSpan.FromDays(7);
}
