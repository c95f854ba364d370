using System.Security.Claims;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Transport;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Users;

/// <summary>
/// Who the current operation acts for: the user named by its token, the built-in local user for a caller without
/// one when <see cref="AuthOptions.AnonymousAsLocalUser"/> allows it, or nobody (<see cref="Guid.Empty"/>, owns nothing).
/// </summary>
public sealed class CurrentUser(OperationCaller caller, IOptions<AuthOptions> options)
{
    private Viewer? _viewer;

    /// <summary>True when the operation carries a valid token.</summary>
    public bool IsAuthenticated => caller.User.Identity?.IsAuthenticated == true;

    /// <summary>True when the operation acts for a user (by token, or as the local user); false for nobody.</summary>
    public bool IsKnown => Id != Guid.Empty;

    public Guid Id => Viewer.UserId;

    public bool IsAdmin => Viewer.IsAdmin;

    public Viewer Viewer => _viewer ??= Resolve();

    /// <summary>The partition of this caller's limits: their user id, or their address when they have no token.</summary>
    public string RateLimitKey => IsAuthenticated ? "user:" + Id.ToString("N") : "ip:" + (caller.RemoteIpAddress?.ToString() ?? "unknown");

    private Viewer Resolve()
    {
        var user = caller.User;
        if (user.Identity?.IsAuthenticated == true)
            return Guid.TryParse(user.FindFirstValue(PlatformClaims.Subject), out var id)
                ? new Viewer(id, user.IsInRole(PlatformRoles.Admin))
                : Viewer.Anonymous;
        return options.Value.AnonymousAsLocalUser ? new Viewer(LocalUser.Id, IsAdmin: false) : Viewer.Anonymous;
    }
}
