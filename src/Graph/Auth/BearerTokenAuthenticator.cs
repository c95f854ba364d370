using System.Security.Claims;
using LlmPlatform.Graph.Transport;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace LlmPlatform.Graph.Auth;

/// <summary>Validates a bearer token from a WebSocket init payload as OpenIddict validates the Authorization header.</summary>
internal sealed class BearerTokenAuthenticator(IServiceScopeFactory scopes) : ICallerAuthenticator
{
    private const string Scheme = "Bearer ";

    public async ValueTask<ClaimsPrincipal?> AuthenticateAsync(string authorization, CancellationToken cancellationToken)
    {
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == Scheme.Length)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        var validation = scope.ServiceProvider.GetRequiredService<OpenIddictValidationService>();
        try
        {
            var principal = await validation.ValidateAccessTokenAsync(authorization[Scheme.Length..].Trim(), cancellationToken);
            return principal.Identity?.IsAuthenticated == true ? principal : null;
        }
        catch (Exception e) when (e is OpenIddictExceptions.ValidationException or OpenIddictExceptions.ProtocolException)
        {
            return null;
        }
    }

    public DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.GetExpirationDate() : null;
}
