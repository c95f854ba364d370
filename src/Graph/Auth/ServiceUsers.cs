namespace LlmPlatform.Graph.Auth;

/// <summary>
/// A client that signs in with client credentials acts as a user of its own (so what it creates has an owner),
/// named after the client and without a password.
/// </summary>
internal static class ServiceUsers
{
    public static string UserNameOf(string clientId) => "client." + clientId;
}
