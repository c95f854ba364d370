using System.Security.Claims;
using GraphQL;

namespace LlmPlatform.Graph.Transport;

/// <summary>Ends long-lived operations (WebSocket, SSE) when the token they were authorised with expires.</summary>
internal static class TokenExpiry
{
    public const string Code = "TOKEN_EXPIRED";

    // Timers cannot wait longer than about 49 days; no token of ours lives that long.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(30);

    public static ExecutionError Error() =>
        new("The access token expired; get a new one and subscribe again.") { Code = Code };

    /// <summary>Calls <paramref name="expired"/> once the caller's credentials expire; null when they never do.</summary>
    public static ITimer? Schedule(ICallerAuthenticator authenticator, ClaimsPrincipal user, TimeProvider clock, Action expired)
    {
        if (authenticator.ExpiresAt(user) is not { } expiresAt)
            return null;
        var wait = expiresAt - clock.GetUtcNow();
        if (wait > Longest)
            return null;
        return clock.CreateTimer(static state => ((Action)state!)(), expired, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True when the caller's credentials have expired already.</summary>
    public static bool HasExpired(ICallerAuthenticator authenticator, ClaimsPrincipal user, TimeProvider clock) =>
        authenticator.ExpiresAt(user) is { } expiresAt && expiresAt <= clock.GetUtcNow();
}
