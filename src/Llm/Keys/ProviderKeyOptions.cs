using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Keys;

/// <summary>What a user's own provider key may be, and how long it stays in memory. Section <c>Llm:ProviderKeys</c>.</summary>
public sealed class ProviderKeyOptions : IValidatableObject
{
    public const string Section = "Llm:ProviderKeys";

    /// <summary>
    /// Shortest key accepted. Users are shown a key's last four characters, so a key must be long enough that
    /// those four give nothing useful away.
    /// </summary>
    [Range(8, 4096)]
    public int MinKeyLength { get; set; } = 8;

    /// <summary>Longest key accepted, in characters (OpenAI's project keys run to about 170).</summary>
    [Range(8, 4096)]
    public int MaxKeyLength { get; set; } = 512;

    /// <summary>Most chat services built with users' keys kept ready, one per user, provider, model and key.</summary>
    [Range(1, 1_000_000)]
    public int ServiceCacheSize { get; set; } = 1_000;

    /// <summary>How long such a service (and so the key in clear inside it) stays in memory after its last use.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ServiceIdleLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinKeyLength > MaxKeyLength)
            yield return new($"{Section}:MinKeyLength must not exceed MaxKeyLength.", [nameof(MinKeyLength)]);
    }
}
