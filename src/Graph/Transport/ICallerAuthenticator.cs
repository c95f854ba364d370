using System.Security.Claims;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// Checks credentials that arrive inside a protocol rather than in an HTTP header (a WebSocket client's
/// <c>connection_init</c> payload), and tells when a caller's credentials run out, so that long-lived
/// operations end then.
/// </summary>
public interface ICallerAuthenticator
{
    /// <summary>The caller named by an <c>Authorization</c> value such as <c>Bearer …</c>; null when it is not valid.</summary>
    ValueTask<ClaimsPrincipal?> AuthenticateAsync(string authorization, CancellationToken cancellationToken);

    /// <summary>When the caller's credentials expire; null when they do not (no token).</summary>
    DateTimeOffset? ExpiresAt(ClaimsPrincipal user);
}
