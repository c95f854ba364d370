using System.Security.Claims;
using LlmPlatform.Graph.Transport;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Validates a bearer token from a WebSocket init payload as OpenIddict validates the Authorization header.
/// A token validated before (see <see cref="ValidatedTokenCache"/>) is not validated again until it expires.
/// </summary>
internal sealed class BearerTokenAuthenticator(IServiceScopeFactory scopes, ValidatedTokenCache cache) : ICallerAuthenticator
{
    private const string Scheme = "Bearer ";

    public async ValueTask<ClaimsPrincipal?> AuthenticateAsync(string authorization, CancellationToken cancellationToken)
    {
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == Scheme.Length)
            return null;
        // No request context: OpenIddict validates such a token without an issuer to compare, so it is cached apart.
        if (cache.Find(context: null, authorization) is ({ } cached, _))
            return cached;
        await using var scope = scopes.CreateAsyncScope();
        var validation = scope.ServiceProvider.GetRequiredService<OpenIddictValidationService>();
        try
        {
            var principal = await validation.ValidateAccessTokenAsync(authorization[Scheme.Length..].Trim(), cancellationToken);
            if (principal.Identity?.IsAuthenticated != true)
                return null;
            cache.Add(context: null, authorization, principal);
            return principal;
        }
        catch (Exception e) when (e is OpenIddictExceptions.ValidationException or OpenIddictExceptions.ProtocolException)
        {
            return null;
        }
    }

    public DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.GetExpirationDate() : null;
}
