using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Schema.Paging;

/// <summary>Page sizes of every list field. Section <c>GraphQL:Paging</c>.</summary>
public sealed class PagingOptions
{
    public const string Section = "GraphQL:Paging";

    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 10;

    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;
}
