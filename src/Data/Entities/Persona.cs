namespace LlmPlatform.Data.Entities;

/// <summary>A reusable assistant configuration: a system prompt plus default generation settings.</summary>
public sealed class Persona
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 1_000;
    public const int SystemPromptMaxLength = 20_000;
    public const int ProviderMaxLength = 64;
    public const int ModelMaxLength = 128;
    public const int RouteMaxLength = 64;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string SystemPrompt { get; set; } = "";
    public string? DefaultProvider { get; set; }
    public string? DefaultModel { get; set; }
    public double Temperature { get; set; } = 0.7;
    public int? MaxTokens { get; set; }
    public bool IsBuiltIn { get; set; }

    /// <summary>Null for built-in personas, which belong to nobody and are readable by everyone.</summary>
    public Guid? OwnerId { get; set; }
    public PlatformUser? Owner { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Deterministic generations (temperature 0) of this persona may be answered from the response cache.</summary>
    public bool CacheResponses { get; set; }

    /// <summary>A configured route (<c>Llm:Routes:&lt;name&gt;</c>) its generations follow when the request names no provider or route.</summary>
    public string? Route { get; set; }
}
