using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>
/// Signing in costs the hot paths no database round trip: a token is validated without the database, an operation
/// with one sends the statements it sends without one, and a stream's statements do not grow with its length.
/// </summary>
public sealed class TokenRoundTripTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    private const string Personas = "{ personas(first: 10) { nodes { id name } } }";

    [Fact]
    public async Task Http_QueryWithToken_TheStatementsOfTheQueryWithoutOne()
    {
        var (_, token) = await server.SignUpAsync();
        _ = await server.PostGraphQLWithTokenAsync(token, Personas);

        server.Sql.Reset();
        var anonymous = await server.PostGraphQLWithTokenAsync(null, Personas);
        var withoutToken = server.Sql.Count;
        server.Sql.Reset();
        var signedIn = await server.PostGraphQLWithTokenAsync(token, Personas);
        var withToken = server.Sql.Count;

        Assert.Null(anonymous["errors"]);
        Assert.Null(signedIn["errors"]);
        Assert.Equal(1, withoutToken);
        Assert.Equal(withoutToken, withToken);
    }

    [Fact]
    public async Task TransportWs_GenerateWithToken_StatementsDoNotGrowWithTheReply()
    {
        var (_, token) = await server.SignUpAsync();

        var short10 = await StatementsOfAStreamAsync(token, 10);
        var long100 = await StatementsOfAStreamAsync(token, 100);

        // The stream's own statements are seen (its conversation, prompt and reply); none is added per token.
        Assert.True(short10 > 0, "no statement counted");
        Assert.Equal(short10, long100);
    }

    private async Task<int> StatementsOfAStreamAsync(string token, int tokens)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = "Bearer " + token });
        Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
        var prompt = GenerationStreams.UniquePrompt();

        server.Sql.Reset();
        await socket.SendOperationAsync("subscribe", "1", GenerationStreams.Generate, GenerationStreams.Input(prompt, tokens));
        var messages = await socket.ReceiveOperationAsync("1", "complete", "error");
        var statements = server.Sql.Count;

        Assert.Equal("complete", messages[^1].String("type"));
        Assert.Equal(tokens, messages.Count(m => m["payload"]?["data"]?["generate"]?["__typename"]?.GetValue<string>() == "TokenChunk"));
        return statements;
    }
}
