using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Bearer credentials that OpenIddict validated, with what validation produced, until the token expires. Our access
/// tokens are encrypted JWTs: validating one takes an RSA private-key decryption, an RSA signature check, AES, HMAC
/// and OpenIddict's validation pipeline, about 0.4 ms of CPU, more than the rest of a typical query. A client sends the
/// same token with every request for the token's whole lifetime, so each token pays that once per instance.
/// </summary>
/// <remarks>
/// What is cached is the outcome of a successful validation of exactly this credential text in exactly this context
/// (<see cref="Key"/>): the request's scheme, host and path base for HTTP, because the token's issuer is checked against
/// them, or none for a token validated outside a request (a WebSocket <c>connection_init</c>, where OpenIddict checks
/// no issuer). Everything else validation depends on is fixed for the process (keys, audiences, token types), except
/// time: an entry is used only before the token's expiry, and leaves the cache then. Failures are never cached.
/// The cache turns itself off when OpenIddict is told to look tokens or authorizations up in the database
/// (revocation), since skipping validation would skip those lookups. At most
/// <see cref="AuthOptions.ValidatedTokenCacheSize"/> credentials are held (0 turns the cache off).
/// </remarks>
internal sealed class ValidatedTokenCache : IDisposable
{
    private readonly MemoryCache? _entries;
    private readonly TimeProvider _clock;
    private long _hits;

    public ValidatedTokenCache(IOptions<AuthOptions> options, IOptions<OpenIddictValidationOptions> validation, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(validation);
        _clock = clock;
        if (options.Value.ValidatedTokenCacheSize > 0
            && !validation.Value.EnableTokenEntryValidation && !validation.Value.EnableAuthorizationEntryValidation)
        {
            _entries = new MemoryCache(new MemoryCacheOptions
            {
                SizeLimit = options.Value.ValidatedTokenCacheSize,
                Clock = new CacheClock(clock),
            });
        }
    }

    /// <summary>False when the cache is off (size 0, or tokens looked up in the database).</summary>
    public bool IsEnabled => _entries is not null;

    /// <summary>Credentials held now (expired ones may linger until the cache next looks at them).</summary>
    public int Count => _entries?.Count ?? 0;

    /// <summary>Validations answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>
    /// A copy of what validating <paramref name="credentials"/> in <paramref name="context"/> produced, if that
    /// succeeded before and the token has not expired yet.
    /// </summary>
    public (ClaimsPrincipal Principal, AuthenticationProperties? Properties)? Find(string? context, string credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (_entries is null || !_entries.TryGetValue(Key.Of(context, credentials), out Entry? entry) || entry!.ExpiresAt <= _clock.GetUtcNow())
            return null;
        Interlocked.Increment(ref _hits);
        // Copies: the principal becomes a request's User, and nothing one request does to it may reach another.
        var principal = entry.Principal.Clone();
        var properties = entry.Properties?.Clone();
        if (properties is not null)
        {
            if (entry.TokenIsCredentials)
                properties.UpdateTokenValue(AccessToken, credentials[BearerPrefix.Length..]);
            foreach (var (name, value) in entry.Properties!.Parameters)
            {
                if (value is ClaimsPrincipal other)
                    properties.Parameters[name] = other.Clone();
            }
            foreach (var name in entry.TicketPrincipalParameters)
                properties.Parameters[name] = principal;
        }
        return (principal, properties);
    }

    /// <summary>Keeps what a successful validation of <paramref name="credentials"/> in <paramref name="context"/> produced.</summary>
    public void Add(string? context, string credentials, ClaimsPrincipal principal, AuthenticationProperties? properties = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(principal);
        // A token that never expires is not ours; it is validated every time.
        if (_entries is null || principal.GetExpirationDate() is not { } expiresAt || expiresAt <= _clock.GetUtcNow())
            return;
        // The token text is most of an entry's size; the properties hold it again, as OpenIddict read it from the
        // credentials, so when it is exactly their text after "Bearer " it is left out and put back from them.
        var kept = properties?.Clone();
        var tokenIsCredentials = kept?.GetTokenValue(AccessToken) is { } token
            && credentials.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && credentials.AsSpan(BearerPrefix.Length).SequenceEqual(token)
            && kept.UpdateTokenValue(AccessToken, "");
        // OpenIddict also passes the token's principal along as a parameter: kept lean as well, and when it is the
        // ticket's own principal, handed out as the same copy again.
        List<string> ticketPrincipal = [];
        foreach (var (name, value) in kept?.Parameters.ToList() ?? [])
        {
            if (value is not ClaimsPrincipal other)
                continue;
            if (ReferenceEquals(other, principal))
                ticketPrincipal.Add(name);
            kept!.Parameters[name] = ReferenceEquals(other, principal) ? null : Copy(other);
        }
        _entries.Set(Key.Of(context, credentials), new Entry(Copy(principal), kept, tokenIsCredentials, ticketPrincipal, expiresAt), new MemoryCacheEntryOptions
        {
            AbsoluteExpiration = expiresAt,
            Size = 1,
        });
    }

    /// <summary>
    /// The claims and identities of <paramref name="principal"/> without the parsed token an identity may hold on to
    /// (<see cref="CaseSensitiveClaimsIdentity.SecurityToken"/>: the token decrypted and parsed, several times its size).
    /// </summary>
    private static ClaimsPrincipal Copy(ClaimsPrincipal principal) => new(principal.Identities.Select(identity =>
    {
        var copy = identity is CaseSensitiveClaimsIdentity
            ? new CaseSensitiveClaimsIdentity(identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType)
            : new ClaimsIdentity(identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        copy.AddClaims(identity.Claims.Select(claim => claim.Clone(copy)));
        copy.Label = identity.Label;
        copy.Actor = identity.Actor;
        copy.BootstrapContext = identity.BootstrapContext;
        return copy;
    }));

    public void Dispose() => _entries?.Dispose();

    private const string BearerPrefix = "Bearer ";
    private const string AccessToken = "access_token";

    /// <summary>
    /// Where the credentials were validated (scheme://host/pathbase of an HTTP request, or null outside one) and the
    /// SHA-256 of the credentials as sent (an Authorization header's or <c>connection_init</c>'s value): a 32-byte key
    /// instead of a 2 KB token, which the cache would otherwise keep alive.
    /// </summary>
    private readonly record struct Key(string? Context, UInt128 Hash1, UInt128 Hash2)
    {
        public static Key Of(string? context, string credentials)
        {
            Span<UInt128> hash = stackalloc UInt128[2];
            SHA256.HashData(MemoryMarshal.AsBytes(credentials.AsSpan()), MemoryMarshal.AsBytes(hash));
            return new Key(context, hash[0], hash[1]);
        }
    }

    /// <param name="TokenIsCredentials">The properties' access token was left out: it is the credentials after "Bearer ".</param>
    /// <param name="TicketPrincipalParameters">The properties' parameters that held the ticket's principal.</param>
    private sealed record Entry(
        ClaimsPrincipal Principal, AuthenticationProperties? Properties, bool TokenIsCredentials, IReadOnlyList<string> TicketPrincipalParameters,
        DateTimeOffset ExpiresAt);

    /// <summary>The app's clock for the cache's own expiry too, so that an entry leaves when the app's time says the token expired.</summary>
    private sealed class CacheClock(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
