using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Schema;

/// <summary>Limits on every operation, whichever transport brought it. Section <c>GraphQL</c>.</summary>
public sealed class GraphQLOptions
{
    public const string Section = "GraphQL";

    /// <summary>Deepest nesting of fields an operation may select.</summary>
    [Range(1, 1000)]
    public int MaxDepth { get; set; } = 15;

    /// <summary>Most fields an operation may resolve, estimated with list sizes (GraphQL.NET's complexity analyzer).</summary>
    [Range(1, int.MaxValue)]
    public int MaxComplexity { get; set; } = 50_000;

    /// <summary>Most aliases in one document; aliases let one request repeat an expensive field.</summary>
    [Range(0, 10_000)]
    public int MaxAliases { get; set; } = 30;

    /// <summary>Longest an operation may run before it is stopped with a TIMEOUT error.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Include exception messages and stack traces in errors. Null: only in Development.</summary>
    public bool? ExposeExceptionDetails { get; set; }

    /// <summary>Parsed and validated documents kept, by total length of their text in characters; 0 keeps none.</summary>
    [Range(0, long.MaxValue)]
    public long DocumentCacheSize { get; set; } = 10_000_000;

    /// <summary>
    /// Resolve sibling query fields concurrently (each with its own database context). Off: one at a time, which
    /// costs less per field; batched loads are batched either way.
    /// </summary>
    public bool ParallelExecution { get; set; }
}
