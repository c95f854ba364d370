using System.ComponentModel;
using System.Globalization;

namespace LlmPlatform.Llm.Providers;

/// <summary>
/// Reads <see cref="ProviderKind"/> from configuration as the issue spells it (<c>azure-openai</c>,
/// <c>openai-compatible</c>) or by member name (<c>AzureOpenAI</c>), ignoring case, dashes and underscores.
/// Anything else, numbers included (<c>Kind=3</c> is a typo, not a choice), reads as <see cref="Unrecognized"/>.
/// </summary>
/// <remarks>
/// Why not throw: the configuration binder drops a dictionary entry whose value fails to convert, silently, so a
/// provider with a misspelt kind would simply vanish. Read as an undefined kind, it stays, and options validation
/// refuses it at start-up by its setting's name.
/// </remarks>
public sealed class ProviderKindConverter : EnumConverter
{
    private static readonly (ProviderKind Kind, string Spelling)[] Kinds =
    [
        (ProviderKind.Echo, "echo"),
        (ProviderKind.OpenAI, "openai"),
        (ProviderKind.AzureOpenAI, "azure-openai"),
        (ProviderKind.OpenAICompatible, "openai-compatible"),
        (ProviderKind.Ollama, "ollama"),
    ];

    /// <summary>What a value that names no kind reads as: no member of <see cref="ProviderKind"/>.</summary>
    public const ProviderKind Unrecognized = (ProviderKind)(-1);

    public ProviderKindConverter() : base(typeof(ProviderKind))
    {
    }

    /// <summary>The accepted spellings, for messages: "echo, openai, azure-openai, openai-compatible or ollama".</summary>
    public static string Spellings { get; } =
        string.Join(", ", Kinds[..^1].Select(k => k.Spelling)) + " or " + Kinds[^1].Spelling;

    /// <summary>The configuration spelling of a kind (<c>openai-compatible</c>).</summary>
    public static string Spell(ProviderKind kind) =>
        Kinds.FirstOrDefault(k => k.Kind == kind).Spelling ?? kind.ToString();

    /// <summary>The kind a configuration value names, or null when it names none.</summary>
    public static ProviderKind? Parse(string? value)
    {
        var key = Normalize(value);
        foreach (var (kind, spelling) in Kinds)
        {
            if (key == Normalize(spelling) || key == Normalize(kind.ToString()))
                return kind;
        }
        return null;
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? Parse(text) ?? Unrecognized : base.ConvertFrom(context, culture, value);

    private static string Normalize(string? value) =>
        (value ?? "").Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
