using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Providers;

/// <summary>The providers generations may use, by name. Section <c>Llm</c>.</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";
    public const string EchoProviderName = "echo";

    /// <summary>The provider used when neither the request nor the persona names one.</summary>
    [Required]
    public string DefaultProvider { get; set; } = EchoProviderName;

    /// <summary>
    /// Providers by name (<c>Llm:Providers:&lt;name&gt;</c>). The built-in <c>echo</c> provider is always there
    /// unless configured otherwise under its own name.
    /// </summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public enum ProviderKind
{
    Echo,
    OpenAI,
    AzureOpenAI,
    OpenAICompatible,
    Ollama,
}

/// <summary>One configured provider: what kind it is, where it is, its key and its models.</summary>
public sealed class ProviderOptions
{
    public ProviderKind Kind { get; set; } = ProviderKind.Echo;

    /// <summary>Base URL: required for azure-openai, openai-compatible and ollama; optional for openai.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Server-wide key. Comes from configuration or the environment only; never returned by the API.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model used when neither the request nor the persona names one; the first listed when unset.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>The models this provider offers, by the name requests use.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Echo only: pause between tokens.</summary>
    public TimeSpan EchoTokenDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Echo only: tokens in a reply (fewer when the request's maxTokens is lower).</summary>
    [Range(1, 10_000_000)]
    public int EchoReplyTokens { get; set; } = 48;

    /// <summary>Whole-request timeout for the provider's HTTP calls.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>One model of a provider.</summary>
public sealed class ModelOptions
{
    /// <summary>Tokens the model reads and writes in one call: history is trimmed to fit.</summary>
    [Range(256, 100_000_000)]
    public int ContextWindow { get; set; } = 8_192;

    /// <summary>Most tokens the model writes in one reply.</summary>
    [Range(1, 10_000_000)]
    public int MaxOutputTokens { get; set; } = 4_096;

    /// <summary>Price per million prompt tokens, for usage costs.</summary>
    public decimal InputCostPerMillion { get; set; }

    /// <summary>Price per million completion tokens, for usage costs.</summary>
    public decimal OutputCostPerMillion { get; set; }
}
