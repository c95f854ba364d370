using Microsoft.AspNetCore.Identity;

namespace LlmPlatform.Data.Entities;

/// <summary>A person or service that owns personas and conversations. Identity owns the credentials.</summary>
public sealed class PlatformUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
