using System.Net;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>A caller without a token, where nobody may act as the local user: built-in personas and the schema, nothing else.</summary>
public sealed class AnonymousCallerTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    [Fact]
    public async Task Anonymous_ReadsBuiltInPersonasAndTheSchema()
    {
        var (_, token) = await server.SignUpAsync();
        await server.PostGraphQLWithTokenAsync(token, """mutation { createPersona(input: { name: "Mine", systemPrompt: "Be mine." }) { userErrors { code } } }""");

        var result = await server.PostGraphQLAsync("{ personas(first: 50) { totalCount nodes { name isBuiltIn } } __schema { queryType { name } } me { email } }");

        Assert.Null(result["errors"]);
        var personas = result["data"]!["personas"]!["nodes"]!.AsArray();
        Assert.NotEmpty(personas);
        Assert.All(personas, p => Assert.True(p!["isBuiltIn"]!.GetValue<bool>()));
        Assert.Equal("Query", result["data"]!["__schema"]!["queryType"]!["name"]!.GetValue<string>());
        Assert.Null(result["data"]!["me"]);
    }

    [Theory]
    [InlineData("{ conversations { totalCount } }")]
    [InlineData("{ providers { name } }")]
    [InlineData("""{ generation(id: "R2VuZXJhdGlvbjox") { id } }""")]
    [InlineData("""mutation { createPersona(input: { name: "Nope", systemPrompt: "x" }) { persona { id } } }""")]
    [InlineData("""mutation { createConversation(input: { title: "Nope" }) { conversation { id } } }""")]
    [InlineData("""mutation { startGeneration(input: { prompt: "hi" }) { generation { id } } }""")]
    public async Task Anonymous_AnythingButPublicData_RefusedUnauthenticatedAndNothingWritten(string operation)
    {
        var before = (await server.CountAsync<Persona>(), await server.CountAsync<Conversation>(), await server.CountAsync<Message>());

        using var response = await server.PostGraphQLRawAsync(operation);
        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLHttp.GraphQLResponse);

        Assert.Null(body["data"]);
        Assert.Equal("UNAUTHENTICATED", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal(before, (await server.CountAsync<Persona>(), await server.CountAsync<Conversation>(), await server.CountAsync<Message>()));
    }

    [Fact]
    public async Task Anonymous_SomeonesConversationByNode_Null()
    {
        var (_, token) = await server.SignUpAsync();
        var created = await server.PostGraphQLWithTokenAsync(token, """mutation { createConversation(input: { title: "private" }) { conversation { id } } }""");
        var id = created["data"]!["createConversation"]!["conversation"]!["id"]!.GetValue<string>();

        var result = await server.PostGraphQLAsync("query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }", new { id });

        Assert.Null(result["errors"]);
        Assert.Null(result["data"]!["node"]);
        Assert.Null(result["data"]!["nodes"]![0]);
    }
}
