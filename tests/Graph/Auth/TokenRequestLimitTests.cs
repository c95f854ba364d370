using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>Password guessing from one address is throttled across accounts, not just locked out per account.</summary>
public sealed class TokenRequestLimitTests(TokenRequestLimitTests.ThrottledServer server) : IClassFixture<TokenRequestLimitTests.ThrottledServer>
{
    public sealed class ThrottledServer : SqliteAuthServer
    {
        public ThrottledServer() => Set("Auth:TokenRequestsPerMinute", "3");
    }

    [Fact]
    public async Task TokenRequests_PastTheLimit_429WithRetryAfterAndTheApiStillServes()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var guess = await server.RequestTokenAsync(("grant_type", "password"), ("client_id", Accounts.FirstPartyClient),
                ("username", Accounts.UniqueEmail()), ("password", "Wr0ng!guess"));
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        using var throttled = await server.RequestTokenAsync(("grant_type", "password"), ("client_id", Accounts.FirstPartyClient),
            ("username", Accounts.UniqueEmail()), ("password", "Wr0ng!guess"));

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After: " + throttled.Headers.RetryAfter);
        Assert.Contains("rate_limited", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var personas = await server.PostGraphQLAsync("{ personas { totalCount } }");
        Assert.Null(personas["errors"]);
    }
}
