using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>
/// User A's data seen from user B by every route: lists, node/nodes by global id, the typed root fields, nested fields,
/// and mutations on A's ids. Someone else's id behaves as not found. Admins see everything.
/// </summary>
public abstract class OwnershipTests(PlatformServer server)
{
    private sealed record OwnedData(string Token, string PersonaId, string ConversationId, string MessageId, string GenerationId);

    private async Task<OwnedData> CreateOwnedDataAsync(string? email = null)
    {
        var (_, token) = await server.SignUpAsync(email);
        var persona = await server.PostGraphQLWithTokenAsync(token,
            """mutation { createPersona(input: { name: "A's persona", systemPrompt: "Secret prompt." }) { persona { id } } }""");
        var personaId = persona["data"]!["createPersona"]!["persona"]!["id"]!.GetValue<string>();
        var conversation = await server.PostGraphQLWithTokenAsync(token,
            "mutation($p: ID!) { createConversation(input: { title: \"A's secrets\", personaId: $p }) { conversation { id } } }", new { p = personaId });
        var conversationId = conversation["data"]!["createConversation"]!["conversation"]!["id"]!.GetValue<string>();
        var started = await server.PostGraphQLWithTokenAsync(token, GenerationStreams.Start,
            new JsonObject { ["input"] = new JsonObject { ["prompt"] = "A's question", ["maxTokens"] = 3, ["conversationId"] = conversationId } });
        var generationId = started["data"]!["startGeneration"]!["generation"]!["id"]!.GetValue<string>();
        await server.WaitForStoredReplyAsync(GenerationStreams.DecodeGenerationId(generationId));
        var messages = await server.PostGraphQLWithTokenAsync(token,
            "query($id: ID!) { conversation(id: $id) { messages(first: 1) { nodes { id } } } }", new { id = conversationId });
        var messageId = messages["data"]!["conversation"]!["messages"]!["nodes"]![0]!["id"]!.GetValue<string>();
        return new OwnedData(token, personaId, conversationId, messageId, generationId);
    }

    [Fact]
    public async Task OtherUser_ListsShowNoneOfTheOwnersData()
    {
        var a = await CreateOwnedDataAsync();
        var (_, b) = await server.SignUpAsync();

        var result = await server.PostGraphQLWithTokenAsync(b, "{ conversations { totalCount } personas(first: 100) { nodes { id } } }");

        Assert.Null(result["errors"]);
        Assert.Equal(0, result["data"]!["conversations"]!["totalCount"]!.GetValue<int>());
        Assert.DoesNotContain(a.PersonaId, result["data"]!["personas"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OtherUser_EveryIdOfTheOwner_NotFound()
    {
        var a = await CreateOwnedDataAsync();
        var (_, b) = await server.SignUpAsync();
        var ids = new[] { a.PersonaId, a.ConversationId, a.MessageId, a.GenerationId };

        var result = await server.PostGraphQLWithTokenAsync(b, """
            query($persona: ID!, $conversation: ID!, $generation: ID!, $ids: [ID!]!) {
              persona(id: $persona) { id systemPrompt }
              conversation(id: $conversation) { id title messages { nodes { content } } }
              generation(id: $generation) { id }
              nodes(ids: $ids) { id }
            }
            """, new { persona = a.PersonaId, conversation = a.ConversationId, generation = a.GenerationId, ids });

        Assert.Null(result["errors"]);
        var data = result["data"]!;
        Assert.Null(data["persona"]);
        Assert.Null(data["conversation"]);
        Assert.Null(data["generation"]);
        Assert.All(data["nodes"]!.AsArray(), Assert.Null);
        Assert.DoesNotContain("Secret prompt", result.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("A's", result.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherUser_MutationsOnTheOwnersIds_NotFoundAndNothingChanged()
    {
        var a = await CreateOwnedDataAsync();
        var (_, b) = await server.SignUpAsync();
        var before = (await server.CountAsync<Persona>(), await server.CountAsync<Conversation>(), await server.CountAsync<Message>());

        var result = await server.PostGraphQLWithTokenAsync(b, """
            mutation($persona: ID!, $conversation: ID!, $generation: ID!) {
              updatePersona(input: { id: $persona, name: "Stolen" }) { userErrors { code } }
              deletePersona(input: { id: $persona }) { userErrors { code } }
              renameConversation(input: { id: $conversation, title: "Stolen" }) { userErrors { code } }
              deleteConversation(input: { id: $conversation }) { userErrors { code } }
              startGeneration(input: { prompt: "into A's conversation", conversationId: $conversation }) { generation { id } userErrors { code } }
              cancelGeneration(input: { id: $generation }) { userErrors { code } }
            }
            """, new { persona = a.PersonaId, conversation = a.ConversationId, generation = a.GenerationId });

        Assert.Null(result["errors"]);
        foreach (var (_, payload) in result["data"]!.AsObject())
            Assert.Equal("NOT_FOUND", payload!["userErrors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, (await server.CountAsync<Persona>(), await server.CountAsync<Conversation>(), await server.CountAsync<Message>()));
        var mine = await server.PostGraphQLWithTokenAsync(a.Token, "query($id: ID!) { conversation(id: $id) { title } }", new { id = a.ConversationId });
        Assert.Equal("A's secrets", mine["data"]!["conversation"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_SeesTheOwnersDataById()
    {
        var a = await CreateOwnedDataAsync();
        var admin = await AdminTokenAsync();

        var result = await server.PostGraphQLWithTokenAsync(admin,
            "query($id: ID!, $g: ID!) { conversation(id: $id) { title } generation(id: $g) { id } }", new { id = a.ConversationId, g = a.GenerationId });

        Assert.Equal("A's secrets", result["data"]!["conversation"]!["title"]!.GetValue<string>());
        Assert.Equal(a.GenerationId, result["data"]!["generation"]!["id"]!.GetValue<string>());
    }

    private async Task<string> AdminTokenAsync()
    {
        // The admin email is configured once per server; the first test to need it registers it.
        var users = await server.ReadAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            db.Users, u => u.Email == AuthSettings.AdminEmail));
        if (!users)
            await server.RegisterAsync(AuthSettings.AdminEmail);
        return (await server.PasswordGrantAsync(AuthSettings.AdminEmail))["access_token"]!.GetValue<string>();
    }
}

public sealed class OwnershipOnSqliteTests(SqliteAuthServer server) : OwnershipTests(server), IClassFixture<SqliteAuthServer>;

public sealed class OwnershipOnPostgresTests(PostgresAuthServer server) : OwnershipTests(server), IClassFixture<PostgresAuthServer>;
