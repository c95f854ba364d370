using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Transport;

/// <summary>Limits of the transports, with their defaults. Section <c>Transport</c>.</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";

    /// <summary>Largest request body accepted over HTTP, in bytes; larger bodies get 413.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxRequestBodySize { get; set; } = 256 * 1024;

    /// <summary>Longest query string accepted in a GET, in characters; longer ones get 414.</summary>
    [Range(1, 1024 * 1024)]
    public int MaxQueryStringLength { get; set; } = 16 * 1024;
}
