namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>The settings of a server where sign-in matters: no acting as the local user without a token.</summary>
public static class AuthSettings
{
    public const string ServiceClientId = "reporting-service";
    public const string ServiceClientSecret = "reporting-service-secret-0123456789";
    public const string ExplorerRedirectUri = "http://127.0.0.1:9/callback";
    public const string AdminEmail = "admin@example.test";

    public static void Apply(Action<string, string?> set)
    {
        ArgumentNullException.ThrowIfNull(set);
        set("Auth:AnonymousAsLocalUser", "false");
        set("Auth:RequireHttps", "false");
        set($"Auth:Clients:{ServiceClientId}:Secret", ServiceClientSecret);
        set($"Auth:Clients:{ServiceClientId}:DisplayName", "Reporting");
        set("Auth:ExplorerRedirectUris:0", ExplorerRedirectUri);
        set("Auth:AdminEmails:0", AdminEmail);
        // Many sign-ins per test class come from 127.0.0.1; the limit has its own test.
        set("Auth:TokenRequestsPerMinute", "100000");
    }
}

/// <summary>A streaming server (echo, SQLite) that requires tokens.</summary>
public class SqliteAuthServer : StreamingServer
{
    public SqliteAuthServer() => AuthSettings.Apply(Set);
}

/// <summary>The same on PostgreSQL.</summary>
public class PostgresAuthServer : PlatformServer
{
    public PostgresAuthServer()
    {
        AuthSettings.Apply(Set);
        Set("Llm:Generation:CancelWhenUnwatchedAfter", "00:00:00");
    }

    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}
