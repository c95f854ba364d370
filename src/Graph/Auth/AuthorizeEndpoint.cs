using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// <c>/connect/authorize</c> for the authorization code flow (with PKCE, which OpenIddict enforces): a GET shows the
/// sign-in page; the page posts the same authorization request back with the person's email and password, and a
/// correct password returns the browser to the client with a code. No cookie: every authorization asks again.
/// </summary>
internal static class AuthorizeEndpoint
{
    public const string EmailField = "login_email";
    public const string PasswordField = "login_password";

    public static async Task<IResult> HandleAsync(
        HttpContext context, PasswordSignIn passwords, TokenPrincipals principals)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        var parameters = HttpMethods.IsPost(context.Request.Method)
            ? context.Request.Form.Where(f => f.Key is not EmailField and not PasswordField)
            : context.Request.Query;
        var hidden = parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.ToString())).ToList();
        if (!HttpMethods.IsPost(context.Request.Method))
            return LoginPage.Render(request.ClientId, hidden, error: null);

        var (user, refusal) = await passwords.CheckAsync(context.Request.Form[EmailField], context.Request.Form[PasswordField]);
        if (user is null)
            return LoginPage.Render(request.ClientId, hidden, refusal);

        return Results.SignIn(await principals.ForUserAsync(user, request.GetScopes()),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
