using Microsoft.AspNetCore.Authentication;

namespace LlmPlatform.Graph.Auth;

public static class AuthApplicationBuilderExtensions
{
    /// <summary>
    /// Limits token requests, reads bearer tokens, and answers 401 to a request whose Authorization header carries
    /// no valid token: a client with a bad or expired token must learn it, not be served as an anonymous caller.
    /// </summary>
    public static WebApplication UseAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        app.UseAuthentication();
        app.Use(static async (context, next) =>
        {
            if (context.Request.Headers.Authorization.Count > 0
                && context.User.Identity?.IsAuthenticated != true
                && !context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase))
            {
                await context.ChallengeAsync();
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>The token endpoint and the authorization endpoint with its sign-in page.</summary>
    public static WebApplication MapAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/connect/token", TokenEndpoint.HandleAsync);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.HandleAsync);
        return app;
    }
}
