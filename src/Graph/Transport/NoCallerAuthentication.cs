using System.Security.Claims;

namespace LlmPlatform.Graph.Transport;

/// <summary>Where no authentication is configured, credentials in an init payload cannot be checked: they are refused.</summary>
internal sealed class NoCallerAuthentication : ICallerAuthenticator
{
    public ValueTask<ClaimsPrincipal?> AuthenticateAsync(string authorization, CancellationToken cancellationToken) => new((ClaimsPrincipal?)null);

    public DateTimeOffset? ExpiresAt(ClaimsPrincipal user) => null;
}
