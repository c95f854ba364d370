using System.Net;
using LlmPlatform.Graph.Tests.Auth;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>
/// Bearer tokens in graphql-sse's single connection mode: the reservation and each operation carry one; operations
/// run as their sender, only the caller who reserved a stream may use it, and an operation ends when its token expires.
/// </summary>
public sealed class GraphQLSseSingleConnectionAuthTests(TokenLifetimeTests.ShortTokenServer server) : IClassFixture<TokenLifetimeTests.ShortTokenServer>
{
    [Fact]
    public async Task Post_WithTheReserversToken_RunsAsThatUser()
    {
        var (email, bearer) = await server.SignUpAsync();
        var token = await SseSingleConnection.ReserveTokenAsync(server, bearer);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);

        using var posted = await SseSingleConnection.PostAsync(server, token, "{ me { email } }", operationId: "me", bearer: bearer);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(email, (await stream.ReadNextAsync()).String("payload.data.me.email"));
    }

    [Fact]
    public async Task PostOrDelete_AnotherUsersToken_403AndNothingRuns()
    {
        var (_, owner) = await server.SignUpAsync();
        var (_, intruder) = await server.SignUpAsync();
        var token = await SseSingleConnection.ReserveTokenAsync(server, owner);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);
        var prompts = await server.CountPromptsAsync();

        using var posted = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3), "g", intruder);
        using var deleted = await SseSingleConnection.DeleteAsync(server, token, "g", intruder);

        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Equal("FORBIDDEN", await SseSingleConnection.ErrorCodeAsync(posted));
        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        Assert.Equal(prompts, await server.CountPromptsAsync());
    }

    [Fact]
    public async Task Reserve_InvalidToken_401()
    {
        using var response = await SseSingleConnection.ReserveAsync(server, "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Operation_TokenExpiresMidStream_EndsWithTokenExpiredUnderItsId()
    {
        var (_, bearer) = await server.SignUpAsync();
        var token = await SseSingleConnection.ReserveTokenAsync(server, bearer);
        await using var stream = await SseSingleConnection.ConnectAsync(server, token);

        // 1,000 tokens at 20 ms: still streaming when the three-second token runs out.
        using var posted = await SseSingleConnection.PostAsync(server, token, GenerationStreams.Generate,
            GenerationStreams.Input(GenerationStreams.UniquePrompt(), StreamingServer.ReplyTokens), "long", bearer);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        string? last = null;
        var chunks = 0;
        while (await stream.ReadEventAsync() is { } e && e.Event != "complete")
        {
            last = e.Data;
            chunks += e.Data.Contains("TokenChunk", StringComparison.Ordinal) ? 1 : 0;
        }
        Assert.True(chunks > 0);
        Assert.Equal("long", System.Text.Json.Nodes.JsonNode.Parse(last!)!.String("id"));
        Assert.Contains("TOKEN_EXPIRED", last, StringComparison.Ordinal);
    }
}
