using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Transport;

/// <summary>Several operations in one HTTP POST (a JSON array body). Section <c>Transport:Batching</c>.</summary>
public sealed class BatchingOptions
{
    public const string Section = "Transport:Batching";

    /// <summary>Accept a JSON array of requests, answered by an array of results in the same order; off, such a body gets 400.</summary>
    public bool Enabled { get; set; }

    /// <summary>Most operations in one batch; a larger batch gets 400 (BATCH_TOO_LARGE).</summary>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 10;
}
