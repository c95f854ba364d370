using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// The default authentication scheme: a request whose Authorization header was validated before (same text, same
/// host) gets what OpenIddict produced then, from <see cref="ValidatedTokenCache"/>; any other request is authenticated
/// by OpenIddict validation itself, and a success is kept. Challenges and refusals are OpenIddict's.
/// </summary>
internal sealed class CachedBearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokenCache cache,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LlmPlatform.CachedBearer";

    private const string Validation = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    /// <summary>Registers the scheme, forwarding challenges and refusals to OpenIddict validation.</summary>
    public static void AddTo(AuthenticationBuilder authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        authentication.AddScheme<AuthenticationSchemeOptions, CachedBearerAuthenticationHandler>(SchemeName, scheme =>
        {
            scheme.ForwardChallenge = Validation;
            scheme.ForwardForbid = Validation;
        });
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // One Authorization header: OpenIddict takes the token from it before it looks anywhere else.
        var credentials = Request.Headers.Authorization is [{ Length: > 0 } value] && cache.IsEnabled ? value : null;
        // The issuer a token is checked against: the configured one, the same for every request, else the request's address.
        var context = credentials is null ? null : auth.Value.Issuer?.AbsoluteUri ?? Request.Scheme + "://" + Request.Host.Value + Request.PathBase.Value;
        if (credentials is not null && cache.Find(context, credentials) is ({ } principal, var properties))
            return AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Validation));

        var result = await Context.AuthenticateAsync(Validation);
        if (credentials is not null && result is { Succeeded: true, Principal: { } validated })
            cache.Add(context, credentials, validated, result.Properties);
        return result;
    }
}
