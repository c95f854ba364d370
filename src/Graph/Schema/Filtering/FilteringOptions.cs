using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Schema.Filtering;

/// <summary>
/// How large a `where:` or `order:` argument may be. Section <c>GraphQL:Filtering</c>. Each condition becomes a node of
/// the database query, and the database and the query translator both walk such trees recursively: a filter of a few
/// thousand conditions fails in SQLite and overflows the stack in translation.
/// </summary>
public sealed class FilteringOptions
{
    public const string Section = "GraphQL:Filtering";

    /// <summary>Most conditions in one `where:`: each operation on a field, and each element of `and` and `or`, counts once.</summary>
    [Range(1, 500)]
    public int MaxConditions { get; set; } = 100;

    /// <summary>Most values in one `in` or `nin` list.</summary>
    [Range(1, 10_000)]
    public int MaxListValues { get; set; } = 1000;

    /// <summary>Most elements in one `order:` list.</summary>
    [Range(1, 100)]
    public int MaxSortFields { get; set; } = 10;
}
