using LlmPlatform.Data.Entities;

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

    /// <summary>A user of their own per test, so tests sharing the host never see each other's keys.</summary>
    public Task<Guid> AddUserAsync() => ReadAsync(async db =>
    {
        var id = Guid.NewGuid();
        db.Users.Add(new PlatformUser { Id = id, UserName = "u-" + id.ToString("N"), SecurityStamp = id.ToString(), CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return id;
    });

    private static IEnumerable<KeyValuePair<string, string?>> Provider(string name, string kind, string? apiKey) =>
    [
        new($"Llm:Providers:{name}:Kind", kind),
        new($"Llm:Providers:{name}:Endpoint", "http://127.0.0.1:9/v1"),
        new($"Llm:Providers:{name}:ApiKey", apiKey),
        new($"Llm:Providers:{name}:Models:{Model}:ContextWindow", "8192"),
        new($"Llm:Providers:{name}:Models:{Model}:MaxOutputTokens", "1024"),
    ];
}
