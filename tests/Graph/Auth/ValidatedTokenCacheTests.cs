using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>
/// A token is validated once per instance (and host), then taken from the cache until it expires; nothing gets through
/// the cache that would not get through validation.
/// </summary>
public sealed class ValidatedTokenCacheTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    private const string Me = "{ me { email } }";

    private ValidatedTokenCache Cache => server.Services.GetRequiredService<ValidatedTokenCache>();

    [Fact]
    public async Task Http_SameTokenAgain_TakenFromTheCacheAsTheSameUser()
    {
        var (email, token) = await server.SignUpAsync();
        var first = await server.PostGraphQLWithTokenAsync(token, Me);
        var hits = Cache.Hits;

        var second = await server.PostGraphQLWithTokenAsync(token, Me);

        Assert.Equal(email, first.String("data.me.email"));
        Assert.Equal(email, second.String("data.me.email"));
        Assert.Equal(hits + 1, Cache.Hits);
    }

    [Fact]
    public async Task TransportWs_SameTokenOnAnotherConnection_TakenFromTheCache()
    {
        var (email, token) = await server.SignUpAsync();
        _ = await MeOverTransportWsAsync(token);
        var hits = Cache.Hits;

        var again = await MeOverTransportWsAsync(token);

        Assert.Equal(email, again);
        Assert.Equal(hits + 1, Cache.Hits);
    }

    [Fact]
    public async Task Http_AlteredCopyOfACachedToken_401()
    {
        var (_, token) = await server.SignUpAsync();
        _ = await server.PostGraphQLWithTokenAsync(token, Me);
        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        using var response = await server.PostGraphQLRawWithTokenAsync(altered, Me);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Http_TokenAtAHostThatDidNotIssueIt_401WhetherCachedOrNot()
    {
        // The issuer is the address the token was asked for; a request naming another host expects another issuer.
        var (_, fresh) = await server.SignUpAsync();
        var (_, cached) = await server.SignUpAsync();
        _ = await server.PostGraphQLWithTokenAsync(cached, Me);

        using var uncachedAnswer = await PostAtAnotherHostAsync(fresh);
        using var cachedAnswer = await PostAtAnotherHostAsync(cached);

        Assert.Equal(HttpStatusCode.Unauthorized, uncachedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, cachedAnswer.StatusCode);
    }

    [Fact]
    public void Find_Held_ACopyOfWhatValidationProduced()
    {
        using var cache = NewCache(10, out var clock);
        var principal = Principal(clock.GetUtcNow().AddMinutes(5));
        // As OpenIddict's tickets carry them: the token as read, the principal again as a parameter.
        var properties = new AuthenticationProperties { IssuedUtc = clock.GetUtcNow() };
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = "a-token" }]);
        properties.Parameters[".access_token_principal"] = principal;
        cache.Add(Here, "Bearer a-token", principal, properties);

        var found = cache.Find(Here, "Bearer a-token");

        Assert.NotNull(found);
        var (copy, copiedProperties) = found.Value;
        Assert.NotSame(principal, copy);
        Assert.Equal("user-1", copy.FindFirst(OpenIddictConstants.Claims.Subject)?.Value);
        Assert.NotSame(properties, copiedProperties);
        Assert.Equal(properties.IssuedUtc, copiedProperties?.IssuedUtc);
        Assert.Equal("a-token", copiedProperties?.GetTokenValue("access_token"));
        Assert.Same(copy, copiedProperties?.Parameters[".access_token_principal"]);
        Assert.NotSame(copy, cache.Find(Here, "Bearer a-token")?.Principal);
        Assert.Null(cache.Find(Here, "Bearer b-token"));
    }

    [Fact]
    public void Find_AtTheTokensExpiry_Nothing()
    {
        using var cache = NewCache(10, out var clock);
        cache.Add(Here, "Bearer a", Principal(clock.GetUtcNow().AddMinutes(5)));

        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(cache.Find(Here, "Bearer a"));
    }

    [Fact]
    public void Add_ExpiredOrNeverExpiring_KeepsNothing()
    {
        using var cache = NewCache(10, out var clock);

        cache.Add(Here, "Bearer a", Principal(clock.GetUtcNow().AddSeconds(-1)));
        cache.Add(Here, "Bearer b", Principal(null));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Find_ValidatedElsewhere_Nothing()
    {
        using var cache = NewCache(10, out var clock);
        cache.Add(Here, "Bearer a", Principal(clock.GetUtcNow().AddMinutes(5)));
        cache.Add(null, "Bearer b", Principal(clock.GetUtcNow().AddMinutes(5)));

        Assert.Null(cache.Find("http://api.other.test", "Bearer a"));
        Assert.Null(cache.Find(null, "Bearer a"));
        Assert.Null(cache.Find(Here, "Bearer b"));
        Assert.NotNull(cache.Find(null, "Bearer b"));
    }

    [Fact]
    public void Add_MoreThanItsSize_HoldsNoMore()
    {
        using var cache = NewCache(3, out var clock);

        for (var i = 0; i < 20; i++)
            cache.Add(Here, "Bearer " + i.ToString(CultureInfo.InvariantCulture), Principal(clock.GetUtcNow().AddMinutes(5)));

        Assert.InRange(cache.Count, 1, 3);
    }

    [Fact]
    public void Add_SizeZero_KeepsNothing()
    {
        using var cache = NewCache(0, out var clock);

        cache.Add(Here, "Bearer a", Principal(clock.GetUtcNow().AddMinutes(5)));

        Assert.False(cache.IsEnabled);
        Assert.Null(cache.Find(Here, "Bearer a"));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Add_TokensOrAuthorizationsLookedUpInTheDatabase_KeepsNothing(bool tokenEntries, bool authorizationEntries)
    {
        // Revocation is checked in the database on every validation; the cache would skip that check.
        var validation = new OpenIddictValidationOptions { EnableTokenEntryValidation = tokenEntries, EnableAuthorizationEntryValidation = authorizationEntries };
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var cache = new ValidatedTokenCache(Options.Create(new AuthOptions()), Options.Create(validation), clock);

        cache.Add(Here, "Bearer a", Principal(clock.GetUtcNow().AddMinutes(5)));

        Assert.False(cache.IsEnabled);
        Assert.Null(cache.Find(Here, "Bearer a"));
    }

    private const string Here = "http://127.0.0.1:5000";

    private static ValidatedTokenCache NewCache(int size, out FakeTimeProvider clock)
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        return new ValidatedTokenCache(
            Options.Create(new AuthOptions { ValidatedTokenCacheSize = size }), Options.Create(new OpenIddictValidationOptions()), clock);
    }

    /// <summary>A validated token's principal, as OpenIddict hands it over: its claims and its expiry.</summary>
    private static ClaimsPrincipal Principal(DateTimeOffset? expiresAt)
    {
        var identity = new ClaimsIdentity("test");
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, "user-1"));
        return new ClaimsPrincipal(identity).SetExpirationDate(expiresAt);
    }

    private async Task<string?> MeOverTransportWsAsync(string token)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = "Bearer " + token });
        Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
        await socket.SendOperationAsync("subscribe", "1", Me);
        return (await socket.ReceiveOperationAsync("1", "complete"))[0].String("payload.data.me.email");
    }

    private Task<HttpResponseMessage> PostAtAnotherHostAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ me { email } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "api.other.test:" + server.Client.BaseAddress!.Port.ToString(CultureInfo.InvariantCulture);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Client.SendAsync(request);
    }
}
