using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// The shape a request wants its reply in: plain text, any JSON object, or JSON that follows
/// <paramref name="Schema"/> (JSON text, named <paramref name="SchemaName"/>; <paramref name="Strict"/> asks the provider
/// to hold to it exactly).
/// </summary>
public sealed record ResponseFormat(ResponseFormatKind Kind, string? SchemaName = null, string? Schema = null, bool Strict = false)
{
    public static ResponseFormat Text { get; } = new(ResponseFormatKind.Text);
}
