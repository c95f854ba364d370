namespace LlmPlatform.Llm.Tests.Keys;

/// <summary>
/// An <see cref="LlmHost"/> with one provider of each sort a key may or may not go to. None is ever called: the
/// endpoints lead nowhere.
/// </summary>
public sealed class ProviderKeyHost : LlmHost
{
    /// <summary>openai-compatible with a server key.</summary>
    public const string Compatible = "local";

    /// <summary>openai without a server key: usable only with a user's key.</summary>
    public const string KeyOnly = "byok";

    /// <summary>ollama: takes no key.</summary>
    public const string Ollama = "ollama";

    public const string Model = "m";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        .. Provider(Compatible, "openai-compatible", apiKey: "sk-server-key-0001"),
        .. Provider(KeyOnly, "openai", apiKey: null),
        .. Provider(Ollama, "ollama", apiKey: null),
    ];

    private static IEnumerable<KeyValuePair<string, string?>> Provider(string name, string kind, string? apiKey) =>
    [
        new($"Llm:Providers:{name}:Kind", kind),
        new($"Llm:Providers:{name}:Endpoint", "http://127.0.0.1:9/v1"),
        new($"Llm:Providers:{name}:ApiKey", apiKey),
        new($"Llm:Providers:{name}:Models:{Model}:ContextWindow", "8192"),
        new($"Llm:Providers:{name}:Models:{Model}:MaxOutputTokens", "1024"),
    ];
}
