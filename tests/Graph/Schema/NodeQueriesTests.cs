using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Schema;

public abstract class NodeQueriesTests(PlatformServer server)
{
    private const string NodeFields = """
        __typename id
        ... on Persona { name }
        ... on Conversation { title messages { totalCount } }
        ... on Message { content role }
        """;

    [Fact]
    public async Task Node_IdOfEachType_ReturnsThatObject()
    {
        var persona = await server.AddPersonaAsync(LocalUser.Id, "Node persona");
        var conversation = (await server.AddConversationsAsync("Node conversation", 1, messagesEach: 2))[0];
        var message = await FirstMessageIdAsync(conversation);

        var result = (await server.PostGraphQLAsync($$"""
            query($persona: ID!, $builtIn: ID!, $conversation: ID!, $message: ID!) {
              persona: node(id: $persona) { {{NodeFields}} }
              builtIn: node(id: $builtIn) { {{NodeFields}} }
              conversation: node(id: $conversation) { {{NodeFields}} }
              message: node(id: $message) { {{NodeFields}} }
            }
            """, new
        {
            persona = ConversationSeeding.PersonaId(persona),
            builtIn = ConversationSeeding.PersonaId(BuiltInPersonas.TutorId),
            conversation = ConversationSeeding.ConversationId(conversation),
            message = ConversationSeeding.MessageId(message),
        })).ShouldHaveNoErrors();

        Assert.Equal(("Persona", ConversationSeeding.PersonaId(persona), "Node persona"),
            (result.String("data.persona.__typename"), result.String("data.persona.id"), result.String("data.persona.name")));
        Assert.Equal(("Persona", "Patient tutor"), (result.String("data.builtIn.__typename"), result.String("data.builtIn.name")));
        Assert.Equal(("Conversation", ConversationSeeding.ConversationId(conversation), "Node conversation 00", 2),
            (result.String("data.conversation.__typename"), result.String("data.conversation.id"), result.String("data.conversation.title"),
             result.Int("data.conversation.messages.totalCount")));
        Assert.Equal(("Message", ConversationSeeding.MessageId(message), "Node conversation 00 #0", "USER"),
            (result.String("data.message.__typename"), result.String("data.message.id"), result.String("data.message.content"),
             result.String("data.message.role")));
    }

    [Fact]
    public async Task Node_IdOfNothingTheCallerMaySee_ReturnsNullWithoutError()
    {
        var stranger = await server.AddOtherUserAsync();
        var foreignPersona = await server.AddPersonaAsync(stranger, "Hidden persona");
        var foreignConversation = (await server.AddConversationsAsync("Hidden conversation", 1, messagesEach: 1, ownerId: stranger))[0];
        var foreignMessage = await FirstMessageIdAsync(foreignConversation);

        var ids = new Dictionary<string, string>
        {
            ["malformed"] = "!!!",
            ["notBase64Json"] = "Zm9v",
            ["unknownType"] = GlobalId.Encode("Generation", Guid.NewGuid()),
            ["personaWithBadKey"] = GlobalId.Encode("Persona", 12),
            ["messageWithBadKey"] = GlobalId.Encode("Message", Guid.NewGuid()),
            ["unknownPersona"] = ConversationSeeding.PersonaId(Guid.NewGuid()),
            ["unknownConversation"] = ConversationSeeding.ConversationId(Guid.NewGuid()),
            ["unknownMessage"] = ConversationSeeding.MessageId(long.MaxValue),
            ["foreignPersona"] = ConversationSeeding.PersonaId(foreignPersona),
            ["foreignConversation"] = ConversationSeeding.ConversationId(foreignConversation),
            ["foreignMessage"] = ConversationSeeding.MessageId(foreignMessage),
        };
        var document = "query(" + string.Join(", ", ids.Keys.Select(k => $"${k}: ID!")) + ") { "
            + string.Join(" ", ids.Keys.Select(k => $"{k}: node(id: ${k}) {{ id }}")) + " }";

        var result = (await server.PostGraphQLAsync(document, ids)).ShouldHaveNoErrors();

        foreach (var alias in ids.Keys)
            Assert.True(result.At("data." + alias) is null, $"{alias} was not null: {result.ToJsonString()}");
    }

    [Fact]
    public async Task Node_AnotherSpellingOfAnIssuedId_ReturnsNullRatherThanAnObjectWithADifferentId()
    {
        var conversation = (await server.AddConversationsAsync("Spelling", 1, messagesEach: 1))[0];
        var message = await FirstMessageIdAsync(conversation);
        var ids = new
        {
            upperPersona = EncodeRaw("Persona:" + BuiltInPersonas.HelpfulAssistantId.ToString("N").ToUpperInvariant()),
            dashedPersona = EncodeRaw("Persona:" + BuiltInPersonas.HelpfulAssistantId.ToString("D")),
            upperConversation = EncodeRaw("Conversation:" + conversation.ToString("N").ToUpperInvariant()),
            paddedMessage = EncodeRaw("Message:00" + message.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };

        var result = (await server.PostGraphQLAsync("""
            query($upperPersona: ID!, $dashedPersona: ID!, $upperConversation: ID!, $paddedMessage: ID!) {
              upperPersona: node(id: $upperPersona) { id }
              dashedPersona: node(id: $dashedPersona) { id }
              upperConversation: node(id: $upperConversation) { id }
              paddedMessage: node(id: $paddedMessage) { id }
              persona(id: $upperPersona) { id }
              conversation(id: $upperConversation) { id }
            }
            """, ids)).ShouldHaveNoErrors();

        foreach (var alias in new[] { "upperPersona", "dashedPersona", "upperConversation", "paddedMessage", "persona", "conversation" })
            Assert.True(result.At("data." + alias) is null, $"{alias} was not null: {result.ToJsonString()}");
    }

    [Fact]
    public async Task Nodes_MixedIds_ReturnEachInOrderWithNullForEachNotVisible()
    {
        var stranger = await server.AddOtherUserAsync();
        var persona = await server.AddPersonaAsync(LocalUser.Id, "Nodes persona");
        var conversation = (await server.AddConversationsAsync("Nodes conversation", 1, messagesEach: 1))[0];
        var foreign = (await server.AddConversationsAsync("Nodes hidden", 1, ownerId: stranger))[0];
        var message = await FirstMessageIdAsync(conversation);
        string[] ids =
        [
            ConversationSeeding.PersonaId(persona),
            ConversationSeeding.ConversationId(foreign),
            ConversationSeeding.ConversationId(conversation),
            "garbage",
            ConversationSeeding.MessageId(message),
            ConversationSeeding.PersonaId(persona),
        ];

        var result = (await server.PostGraphQLAsync("""
            query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }
            """, new { ids })).ShouldHaveNoErrors();

        var nodes = result.At("data.nodes")!.AsArray();
        Assert.Equal(ids.Length, nodes.Count);
        Assert.Equal(
            [ids[0], null, ids[2], null, ids[4], ids[5]],
            nodes.Select(n => n?["id"]?.GetValue<string>()));
        Assert.Equal(
            ["Persona", null, "Conversation", null, "Message", "Persona"],
            nodes.Select(n => n?["__typename"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Nodes_NoIds_ReturnsAnEmptyList()
    {
        var result = (await server.PostGraphQLAsync("{ nodes(ids: []) { id } }")).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.nodes")!.AsArray());
    }

    [Fact]
    public async Task Nodes_AHundredIdsOfThreeTypes_LoadInOneStatementPerType()
    {
        var conversations = await server.AddConversationsAsync("Batched node", 40, messagesEach: 1);
        var messages = await server.ReadAsync(db => db.Messages.Where(m => conversations.Contains(m.ConversationId)).Select(m => m.Id).Take(20).ToListAsync());
        var personas = new List<Guid>();
        for (var i = 0; i < 40; i++)
            personas.Add(await server.AddPersonaAsync(LocalUser.Id, $"Batched persona {i:D2}"));
        var ids = personas.Select(ConversationSeeding.PersonaId)
            .Concat(conversations.Select(ConversationSeeding.ConversationId))
            .Concat(messages.Select(ConversationSeeding.MessageId))
            .ToList();
        server.Sql.Reset();

        var result = (await server.PostGraphQLAsync("""
            query($ids: [ID!]!) { nodes(ids: $ids) { id } }
            """, new { ids })).ShouldHaveNoErrors();

        Assert.Equal(100, ids.Count);
        Assert.Equal(ids, result.At("data.nodes")!.AsArray().Select(n => n?["id"]?.GetValue<string>()));
        Assert.Equal(3, server.Sql.Count);
    }

    [Fact]
    public async Task Nodes_MoreThanAHundredIds_ReturnsTooManyIdsErrorAndNoData()
    {
        var ids = Enumerable.Range(0, 101).Select(_ => ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId)).ToArray();

        var result = await server.PostGraphQLAsync("""
            query($ids: [ID!]!) { nodes(ids: $ids) { id } }
            """, new { ids });

        Assert.Equal(["TOO_MANY_IDS"], result.ErrorCodes());
        Assert.Null(result["data"]);
    }

    /// <summary>A global id as a client could forge it: any text, base64url-encoded.</summary>
    private static string EncodeRaw(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));

    private Task<long> FirstMessageIdAsync(Guid conversation) =>
        server.ReadAsync(db => db.Messages.Where(m => m.ConversationId == conversation).MinAsync(m => m.Id));
}

public sealed class NodeQueriesOnSqliteTests(SqliteServer server) : NodeQueriesTests(server), IClassFixture<SqliteServer>;

public sealed class NodeQueriesOnPostgresTests(PostgresServer server) : NodeQueriesTests(server), IClassFixture<PostgresServer>;
