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

    /// <summary>Longest document (the operation's text) accepted, in characters.</summary>
    [Range(1, 10_000_000)]
    public int MaxDocumentLength { get; set; } = 32 * 1024;

    /// <summary>
    /// Deepest nesting of a document's syntax (selections, arguments, list and object values), with the fragments it
    /// spreads expanded; checked while parsing, before any validation rule walks the document.
    /// </summary>
    [Range(1, 512)]
    public int MaxNestingDepth { get; set; } = 128;

    /// <summary>Most syntax nodes (fields, names, arguments, values, directives, variables…) in one document.</summary>
    [Range(1, 10_000_000)]
    public int MaxDocumentNodes { get; set; } = 10_000;

    /// <summary>
    /// Most pairs of fields the engine may compare to check that fields selected under the same response name at the
    /// same place can be merged: n fields under one name make n(n-1)/2 pairs, each comparing their selections in turn.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxMergedFieldPairs { get; set; } = 5_000;

    /// <summary>Most ids one `nodes(ids:)` may fetch; more is a TOO_MANY_IDS error.</summary>
    [Range(1, 10_000)]
    public int MaxNodesPerRequest { get; set; } = 100;

    /// <summary>Longest an operation may run before it is stopped with a TIMEOUT error.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Answer `__schema` and `__type`; off, they are refused with INTROSPECTION_DISABLED. On by default except in Production.</summary>
    public bool EnableIntrospection { get; set; } = true;

    /// <summary>
    /// Deepest nesting of fields below `__schema` or `__type` (they are level 1). graphql-js's standard introspection
    /// query reaches 15; an operation that only introspects is measured by this and the next limit, not by
    /// <see cref="MaxDepth"/> and <see cref="MaxComplexity"/>.
    /// </summary>
    [Range(1, 1000)]
    public int MaxIntrospectionDepth { get; set; } = 20;

    /// <summary>Most `fields`, `inputFields`, `interfaces` and `possibleTypes` nested in one another in introspection (standard query: 1).</summary>
    [Range(1, 100)]
    public int MaxIntrospectionListDepth { get; set; } = 2;

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
