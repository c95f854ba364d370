using Microsoft.AspNetCore.Identity;

namespace LlmPlatform.Data.Seeding;

/// <summary>The platform's roles: every registered person is a <c>user</c>; an <c>admin</c> sees everyone's data.</summary>
public static class PlatformRoles
{
    public const string User = "user";
    public const string Admin = "admin";

    // Fixed ids and stamps: seed data must be identical on every build or each migration would rewrite the rows.
    internal static IdentityRole<Guid>[] Entities =>
    [
        new() { Id = new("00000000-0000-0000-0000-0000000000a1"), Name = User, NormalizedName = "USER", ConcurrencyStamp = "role-user" },
        new() { Id = new("00000000-0000-0000-0000-0000000000a2"), Name = Admin, NormalizedName = "ADMIN", ConcurrencyStamp = "role-admin" },
    ];
}
