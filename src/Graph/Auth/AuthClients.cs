namespace LlmPlatform.Graph.Auth;

/// <summary>The built-in clients and the scopes tokens can carry.</summary>
public static class AuthClients
{
    /// <summary>First-party apps and scripts: password and refresh token grants, no secret.</summary>
    public const string FirstParty = "llmplatform";

    /// <summary>Browser apps and the explorer: authorization code with PKCE, no secret.</summary>
    public const string Explorer = "llmplatform-explorer";

    /// <summary>The scope of the GraphQL API itself.</summary>
    public const string ApiScope = "api";
}
