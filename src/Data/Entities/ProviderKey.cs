namespace LlmPlatform.Data.Entities;

/// <summary>A user's own API key for one provider, protected with ASP.NET Data Protection; never stored in clear.</summary>
public sealed class ProviderKey
{
    public const int ProviderMaxLength = Persona.ProviderMaxLength;
    public const int LastFourLength = 4;

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PlatformUser? User { get; set; }
    public string Provider { get; set; } = "";

    /// <summary>The key as Data Protection's ciphertext.</summary>
    public string ProtectedKey { get; set; } = "";

    /// <summary>The key's last four characters: all a user is ever shown of it.</summary>
    public string LastFour { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}
