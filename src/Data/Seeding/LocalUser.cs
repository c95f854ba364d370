using LlmPlatform.Data.Entities;

namespace LlmPlatform.Data.Seeding;

/// <summary>The built-in user every request acts as until a caller authenticates.</summary>
public static class LocalUser
{
    public static readonly Guid Id = new("00000000-0000-0000-0000-000000000001");

    public const string UserName = "local";

    internal static PlatformUser Entity => new()
    {
        Id = Id,
        UserName = UserName,
        NormalizedUserName = UserName.ToUpperInvariant(),
        DisplayName = "Local user",
        // Fixed stamps: seed data must be identical on every build or each migration would rewrite the row.
        SecurityStamp = "5D6D0A52-6B3A-4F3E-9C2B-LOCALUSER001",
        ConcurrencyStamp = "0E1C6C8A-2C1F-4B07-8E0A-LOCALUSER001",
        CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };
}
