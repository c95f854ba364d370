namespace LlmPlatform.Graph.Auth;

/// <summary>Who may call without a token, and how tokens are issued. Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Lets a request without a token act as the built-in local user, so a first run needs no sign-in.
    /// On by default only in Development; anywhere else anonymous callers read built-in personas and the schema only.
    /// </summary>
    public bool AnonymousAsLocalUser { get; set; }
}
