using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>Checking a token costs no database round trip: not per request, and not per token streamed.</summary>
public sealed class TokenCostTests(TokenCostTests.QuietServer server) : IClassFixture<TokenCostTests.QuietServer>
{
    /// <summary>
    /// No checkpoint or lease renewal within a test's reach: they write once a second whatever the reply's length, and
    /// these tests count the statements that a token, or a longer reply, adds.
    /// </summary>
    public sealed class QuietServer : SqliteAuthServer
    {
        public QuietServer()
        {
            Set("Llm:Generation:CheckpointInterval", "01:00:00");
            Set("Llm:Generation:LeaseDuration", "01:00:00");
        }
    }

    private const string Personas = "{ personas(first: 5) { nodes { name } } }";

    [Fact]
    public async Task Query_WithToken_AsManyStatementsAsWithout()
    {
        var (_, token) = await server.SignUpAsync();
        await server.PostGraphQLAsync(Personas);
        await server.PostGraphQLWithTokenAsync(token, Personas);

        server.Sql.Reset();
        await server.PostGraphQLAsync(Personas);
        var anonymous = server.Sql.Count;
        server.Sql.Reset();
        await server.PostGraphQLWithTokenAsync(token, Personas);

        Assert.Equal(anonymous, server.Sql.Count);
    }

    [Fact]
    public async Task Generate_WithToken_StatementsDoNotGrowWithTheReply()
    {
        var (_, token) = await server.SignUpAsync();
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = "Bearer " + token });
        await socket.ReceiveAsync();

        async Task<int> StatementsForAsync(string id, int tokens)
        {
            var prompt = GenerationStreams.UniquePrompt();
            server.Sql.Reset();
            await socket.SendOperationAsync("subscribe", id, GenerationStreams.Generate, GenerationStreams.Input(prompt, tokens));
            Assert.Equal("complete", (await socket.ReceiveOperationAsync(id, "complete", "error"))[^1].String("type"));
            await server.WaitForStoredReplyAsync(await server.WaitForGenerationOfPromptAsync(prompt));
            return server.Sql.Count;
        }

        await StatementsForAsync("warm-up", 2);
        var few = await StatementsForAsync("short", 2);
        var many = await StatementsForAsync("long", 100);

        Assert.Equal(few, many);
    }
}
