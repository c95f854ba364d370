using LlmPlatform.Data.Seeding;

namespace LlmPlatform.Graph.Users;

/// <summary>
/// Who the current operation acts for. Until sign-in exists every request acts as the built-in local user,
/// so ownership is real data from the start.
/// </summary>
public sealed class CurrentUser
{
    public Guid Id { get; } = LocalUser.Id;
}
