using System.Collections.Immutable;
using System.Security.Claims;
using LlmPlatform.Data.Entities;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace LlmPlatform.Graph.Auth;

/// <summary>Builds the identity a token carries: who (subject), their name, email and roles, and the granted scopes.</summary>
public sealed class TokenPrincipals(UserManager<PlatformUser> users)
{
    private static readonly ImmutableArray<string> Granted = [AuthClients.ApiScope, Scopes.OfflineAccess, Scopes.Email, Scopes.Profile, Scopes.Roles];

    /// <summary>The principal of a user's token with the requested scopes that we grant (the API scope always).</summary>
    public async Task<ClaimsPrincipal> ForUserAsync(PlatformUser user, IEnumerable<string> requestedScopes)
    {
        var roles = await users.GetRolesAsync(user);
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaims(Claims.Role, [.. roles]);
        identity.SetScopes(requestedScopes.Where(Granted.Contains).Append(AuthClients.ApiScope).Distinct(StringComparer.Ordinal));
        return Finish(identity);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);

    private static ClaimsPrincipal Finish(ClaimsIdentity identity)
    {
        // Every claim goes into the access token, which the API reads; none needs an identity token.
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
