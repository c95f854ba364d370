using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Auth;

/// <summary>Who may call without a token, how tokens are issued, and to which clients. Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Lets a request without a token act as the built-in local user, so a first run needs no sign-in.
    /// On by default only in Development; anywhere else anonymous callers read built-in personas and the schema only.
    /// </summary>
    public bool AnonymousAsLocalUser { get; set; }

    /// <summary>
    /// The absolute URI every instance puts in its tokens as their issuer and expects in the tokens it is sent, instead
    /// of the address each request came to: behind a load balancer, a token from one instance is then valid on every
    /// other, whatever Host header each saw. Unset: the request's scheme, host and path base (one instance).
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Refuses token requests over plain HTTP. Off by default only in Development.</summary>
    public bool RequireHttps { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Access tokens kept after their first validation, so that later requests with the same token are not validated
    /// again (see <see cref="ValidatedTokenCache"/>): each until it expires, at most this many (about 5 KB each); 0 keeps none.
    /// </summary>
    [Range(0, 10_000_000)]
    public int ValidatedTokenCacheSize { get; set; } = 10_000;

    /// <summary>Token requests (sign-in attempts) one client address may make per minute; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int TokenRequestsPerMinute { get; set; } = 30;

    /// <summary>The certificate (PKCS#12 file) that signs tokens. Required outside Development and Testing.</summary>
    public CertificateOptions? SigningCertificate { get; set; }

    /// <summary>The certificate (PKCS#12 file) that encrypts tokens. Required outside Development and Testing.</summary>
    public CertificateOptions? EncryptionCertificate { get; set; }

    /// <summary>People who get the admin role when they register.</summary>
    public IList<string> AdminEmails { get; } = [];

    /// <summary>
    /// Applications allowed to ask for tokens, by client id, besides the built-in first-party ones
    /// (<see cref="AuthClients.FirstParty"/> and <see cref="AuthClients.Explorer"/>).
    /// </summary>
    public IDictionary<string, ClientOptions> Clients { get; } = new Dictionary<string, ClientOptions>(StringComparer.Ordinal);

    /// <summary>Where the explorer's authorization code flow may return to.</summary>
    public IList<string> ExplorerRedirectUris { get; } = [];

    /// <summary>The defaults that depend on the environment: Development trusts local callers, nothing else does.</summary>
    public void ApplyDefaultsOf(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        AnonymousAsLocalUser = environment.IsDevelopment();
        RequireHttps = !environment.IsDevelopment();
    }
}

public sealed class CertificateOptions
{
    [Required]
    public string Path { get; set; } = "";

    public string? Password { get; set; }
}

/// <summary>A service that signs in as itself with the client credentials grant.</summary>
public sealed class ClientOptions
{
    /// <summary>The client secret. Required: a confidential client proves who it is.</summary>
    [Required, MinLength(16)]
    public string Secret { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary>Roles the service has (<c>user</c>, <c>admin</c>).</summary>
    public IList<string> Roles { get; } = [];
}
