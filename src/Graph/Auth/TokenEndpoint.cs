using System.Security.Claims;
using LlmPlatform.Data.Entities;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// <c>/connect/token</c> after OpenIddict has checked the request (client, grant, PKCE, code or refresh token):
/// decides who the token is for. Password: Identity's password check with lockout. Refresh token and authorization
/// code: the user again, so a deleted or locked-out user gets no new token. Client credentials: the client's service user.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context, UserManager<PlatformUser> users, PasswordSignIn passwords, TokenPrincipals principals)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        if (request.IsPasswordGrantType())
        {
            var (user, refusal) = await passwords.CheckAsync(request.Username, request.Password);
            return user is null
                ? Refuse(Errors.InvalidGrant, refusal!)
                : SignIn(await principals.ForUserAsync(user, request.GetScopes()));
        }

        if (request.IsRefreshTokenGrantType() || request.IsAuthorizationCodeGrantType())
        {
            var stored = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var user = stored?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null || await users.IsLockedOutAsync(user))
                return Refuse(Errors.InvalidGrant, "The token is no longer valid.");
            return SignIn(await principals.ForUserAsync(user, stored!.GetScopes()));
        }

        if (request.IsClientCredentialsGrantType())
        {
            var service = await users.FindByNameAsync(ServiceUsers.UserNameOf(request.ClientId!));
            if (service is null)
                return Refuse(Errors.InvalidClient, "This client may not sign in as a service.");
            return SignIn(await principals.ForUserAsync(service, request.GetScopes()));
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
