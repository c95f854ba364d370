namespace LlmPlatform.Graph.Auth;

/// <summary>The claims our tokens carry (OpenIddict's names, which are the JWT ones).</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Email = "email";
    public const string Name = "name";
}
