using System.Net;
using LlmPlatform.Graph.Tests.Auth;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Multipart;

/// <summary>Bearer tokens on multipart subscriptions: the operation runs as the user, and ends when the token expires.</summary>
public sealed class MultipartSubscriptionAuthTests(TokenLifetimeTests.ShortTokenServer server) : IClassFixture<TokenLifetimeTests.ShortTokenServer>
{
    [Fact]
    public async Task Post_WithAToken_RunsAsTheUser()
    {
        var (email, bearer) = await server.SignUpAsync();

        using var response = await MultipartRequests.PostAsync(server, "{ me { email } }", bearer: bearer);

        var parts = MultipartRequests.Parts(await response.Content.ReadAsStringAsync());
        Assert.Equal(email, Assert.Single(parts, p => p.Count > 0).String("payload.data.me.email"));
    }

    [Fact]
    public async Task Post_TokenExpiresMidStream_EndsWithATransportErrorTokenExpired()
    {
        var (_, bearer) = await server.SignUpAsync();

        // 1,000 tokens at 20 ms: still streaming when the three-second token runs out.
        using var response = await MultipartRequests.PostAsync(server, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), StreamingServer.ReplyTokens), bearer);

        var parts = MultipartRequests.Parts(await response.Content.ReadAsStringAsync());
        Assert.Contains(parts, p => p.ToJsonString().Contains("TokenChunk", StringComparison.Ordinal));
        var last = parts[^1];
        Assert.Null(last["payload"]);
        Assert.Equal("TOKEN_EXPIRED", last.String("errors[0].extensions.code"));
    }
}
