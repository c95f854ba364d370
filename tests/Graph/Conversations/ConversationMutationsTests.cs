using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Conversations;

public abstract class ConversationMutationsTests(PlatformServer server)
{
    private const string Create = """
        mutation($input: CreateConversationInput!) {
          createConversation(input: $input) {
            conversation { id title persona { id name } messages { totalCount } }
            userErrors { message code field }
          }
        }
        """;

    private const string Rename = """
        mutation($input: RenameConversationInput!) {
          renameConversation(input: $input) { conversation { id title } userErrors { message code field } }
        }
        """;

    private const string Delete = """
        mutation($input: DeleteConversationInput!) {
          deleteConversation(input: $input) { conversation { id title } userErrors { message code field } }
        }
        """;

    [Fact]
    public async Task CreateConversation_EmptyInput_StartsANewConversationWithTheHelpfulAssistant()
    {
        var before = await server.CountAsync<Conversation>();

        var result = (await server.PostGraphQLAsync("""
            mutation { createConversation(input: {}) { conversation { id title persona { name isBuiltIn } } userErrors { code } } }
            """)).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createConversation.userErrors")!.AsArray());
        Assert.Equal("New conversation", result.String("data.createConversation.conversation.title"));
        Assert.Equal("Helpful assistant", result.String("data.createConversation.conversation.persona.name"));
        Assert.Equal(before + 1, await server.CountAsync<Conversation>());
        var stored = await ReadConversationAsync(result.String("data.createConversation.conversation.id"));
        Assert.Equal(("New conversation", BuiltInPersonas.HelpfulAssistantId, LocalUser.Id), (stored!.Title, stored.PersonaId, stored.OwnerId));
    }

    [Fact]
    public async Task CreateConversation_ReturnedTimestamps_AreTheOnesLaterReadsReturn()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var created = (await server.PostGraphQLAsync("""
                mutation { createConversation(input: { title: "Stamped" }) { conversation { id createdAt updatedAt } } }
                """)).ShouldHaveNoErrors();
            var renamed = (await server.PostGraphQLAsync("""
                mutation($id: ID!) { renameConversation(input: { id: $id, title: "Stamped again" }) { conversation { updatedAt } } }
                """, new { id = created.String("data.createConversation.conversation.id") })).ShouldHaveNoErrors();

            var read = (await server.PostGraphQLAsync("""
                query($id: ID!) { conversation(id: $id) { createdAt updatedAt } }
                """, new { id = created.String("data.createConversation.conversation.id") })).ShouldHaveNoErrors();

            Assert.Equal(created.String("data.createConversation.conversation.createdAt"), read.String("data.conversation.createdAt"));
            Assert.Equal(renamed.String("data.renameConversation.conversation.updatedAt"), read.String("data.conversation.updatedAt"));
        }
    }

    [Fact]
    public async Task CreateConversation_NullTitleAndPersona_UsesTheDefaults()
    {
        var result = (await server.PostGraphQLAsync(Create, new { input = new { title = (string?)null, personaId = (string?)null } }))
            .ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createConversation.userErrors")!.AsArray());
        Assert.Equal("New conversation", result.String("data.createConversation.conversation.title"));
        Assert.Equal("Helpful assistant", result.String("data.createConversation.conversation.persona.name"));
    }

    [Fact]
    public async Task CreateConversation_TitleAndOwnPersona_StoresBoth()
    {
        var persona = await server.AddPersonaAsync(LocalUser.Id, "Chosen partner");

        var result = (await server.PostGraphQLAsync(Create, new
        {
            input = new { title = "  Trip planning  ", personaId = ConversationSeeding.PersonaId(persona) },
        })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createConversation.userErrors")!.AsArray());
        Assert.Equal("Trip planning", result.String("data.createConversation.conversation.title"));
        Assert.Equal(ConversationSeeding.PersonaId(persona), result.String("data.createConversation.conversation.persona.id"));
        Assert.Equal(0, result.Int("data.createConversation.conversation.messages.totalCount"));
        var stored = await ReadConversationAsync(result.String("data.createConversation.conversation.id"));
        Assert.Equal(("Trip planning", persona), (stored!.Title, stored.PersonaId));
    }

    [Fact]
    public async Task CreateConversation_BuiltInPersonaAndLongestTitle_AreAccepted()
    {
        var title = new string('t', Conversation.TitleMaxLength);

        var result = (await server.PostGraphQLAsync(Create, new
        {
            input = new { title, personaId = ConversationSeeding.PersonaId(BuiltInPersonas.CodeReviewerId) },
        })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createConversation.userErrors")!.AsArray());
        Assert.Equal(title, result.String("data.createConversation.conversation.title"));
        Assert.Equal("Code reviewer", result.String("data.createConversation.conversation.persona.name"));
    }

    [Theory]
    [InlineData("empty title", "REQUIRED", "title")]
    [InlineData("blank title", "REQUIRED", "title")]
    [InlineData("long title", "TOO_LONG", "title")]
    [InlineData("malformed persona", "NOT_FOUND", "personaId")]
    [InlineData("unknown persona", "NOT_FOUND", "personaId")]
    [InlineData("conversation as persona", "NOT_FOUND", "personaId")]
    [InlineData("foreign persona", "NOT_FOUND", "personaId")]
    public async Task CreateConversation_BadInput_ReturnsUserErrorAndStoresNothing(string kind, string code, string field)
    {
        object input = kind switch
        {
            "empty title" => new { title = "" },
            "blank title" => new { title = "  \t" },
            "long title" => new { title = new string('t', Conversation.TitleMaxLength + 1) },
            "malformed persona" => new { personaId = "%%%" },
            "unknown persona" => new { personaId = ConversationSeeding.PersonaId(Guid.NewGuid()) },
            "conversation as persona" => new { personaId = ConversationSeeding.ConversationId((await server.AddConversationsAsync("Not a persona", 1))[0]) },
            "foreign persona" => new { personaId = ConversationSeeding.PersonaId(await server.AddPersonaAsync(await server.AddOtherUserAsync(), "Private")) },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var before = await server.CountAsync<Conversation>();

        var result = (await server.PostGraphQLAsync(Create, new { input })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.createConversation.conversation"));
        Assert.Equal([$"{code} input.{field}"], UserErrors(result, "createConversation"));
        Assert.Equal(before, await server.CountAsync<Conversation>());
    }

    [Fact]
    public async Task CreateConversation_BadTitleAndUnknownPersona_ReturnsBothErrors()
    {
        var before = await server.CountAsync<Conversation>();

        var result = (await server.PostGraphQLAsync(Create, new { input = new { title = "", personaId = "nope" } })).ShouldHaveNoErrors();

        Assert.Equal(["REQUIRED input.title", "NOT_FOUND input.personaId"], UserErrors(result, "createConversation"));
        Assert.Equal(before, await server.CountAsync<Conversation>());
    }

    [Fact]
    public async Task RenameConversation_OwnConversation_ChangesTheTitleAndUpdatedAt()
    {
        var id = (await server.AddConversationsAsync("Before rename", 1))[0];

        var result = (await server.PostGraphQLAsync(Rename, new { input = new { id = ConversationSeeding.ConversationId(id), title = " After rename " } }))
            .ShouldHaveNoErrors();

        Assert.Empty(result.At("data.renameConversation.userErrors")!.AsArray());
        Assert.Equal("After rename", result.String("data.renameConversation.conversation.title"));
        var stored = await ReadConversationAsync(ConversationSeeding.ConversationId(id));
        Assert.Equal("After rename", stored!.Title);
        Assert.True(stored.UpdatedAt > ConversationSeeding.Epoch, "updatedAt did not move forward");
        Assert.Equal(ConversationSeeding.Epoch, stored.CreatedAt);
    }

    [Theory]
    [InlineData("empty title", "REQUIRED", "title")]
    [InlineData("blank title", "REQUIRED", "title")]
    [InlineData("long title", "TOO_LONG", "title")]
    [InlineData("malformed id", "NOT_FOUND", "id")]
    [InlineData("unknown id", "NOT_FOUND", "id")]
    [InlineData("persona id", "NOT_FOUND", "id")]
    [InlineData("foreign id", "NOT_FOUND", "id")]
    public async Task RenameConversation_BadInput_ReturnsUserErrorAndChangesNothing(string kind, string code, string field)
    {
        var mine = (await server.AddConversationsAsync("Rename target", 1))[0];
        var foreign = (await server.AddConversationsAsync("Rename foreign", 1, ownerId: await server.AddOtherUserAsync()))[0];
        var (id, title) = kind switch
        {
            "empty title" => (ConversationSeeding.ConversationId(mine), ""),
            "blank title" => (ConversationSeeding.ConversationId(mine), "   "),
            "long title" => (ConversationSeeding.ConversationId(mine), new string('t', Conversation.TitleMaxLength + 1)),
            "malformed id" => ("Q29udmVyc2F0aW9uOnh5eg", "Fine title"),
            "unknown id" => (ConversationSeeding.ConversationId(Guid.NewGuid()), "Fine title"),
            "persona id" => (ConversationSeeding.PersonaId(mine), "Fine title"),
            "foreign id" => (ConversationSeeding.ConversationId(foreign), "Fine title"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var before = await ReadTitlesAsync(mine, foreign);

        var result = (await server.PostGraphQLAsync(Rename, new { input = new { id, title } })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.renameConversation.conversation"));
        Assert.Equal([$"{code} input.{field}"], UserErrors(result, "renameConversation"));
        Assert.Equal(before, await ReadTitlesAsync(mine, foreign));
    }

    [Fact]
    public async Task DeleteConversation_OwnConversation_DeletesItWithItsMessagesOnly()
    {
        var ids = await server.AddConversationsAsync("Delete me", 2, messagesEach: 4);
        var conversations = await server.CountAsync<Conversation>();
        var messages = await server.CountAsync<Message>();

        var result = (await server.PostGraphQLAsync(Delete, new { input = new { id = ConversationSeeding.ConversationId(ids[0]) } }))
            .ShouldHaveNoErrors();

        Assert.Empty(result.At("data.deleteConversation.userErrors")!.AsArray());
        Assert.Equal("Delete me 00", result.String("data.deleteConversation.conversation.title"));
        Assert.Equal(conversations - 1, await server.CountAsync<Conversation>());
        Assert.Equal(messages - 4, await server.CountAsync<Message>());
        Assert.Equal(0, await server.ReadAsync(db => db.Messages.CountAsync(m => m.ConversationId == ids[0])));
        Assert.Equal(4, await server.ReadAsync(db => db.Messages.CountAsync(m => m.ConversationId == ids[1])));
        var read = (await server.PostGraphQLAsync("""
            query($id: ID!) { conversation(id: $id) { id } }
            """, new { id = ConversationSeeding.ConversationId(ids[0]) })).ShouldHaveNoErrors();
        Assert.Null(read.At("data.conversation"));
    }

    [Theory]
    [InlineData("malformed id")]
    [InlineData("unknown id")]
    [InlineData("persona id")]
    [InlineData("foreign id")]
    public async Task DeleteConversation_IdOfNoOwnConversation_ReturnsNotFoundAndDeletesNothing(string kind)
    {
        var foreign = (await server.AddConversationsAsync("Delete foreign", 1, messagesEach: 2, ownerId: await server.AddOtherUserAsync()))[0];
        var id = kind switch
        {
            "malformed id" => "",
            "unknown id" => ConversationSeeding.ConversationId(Guid.NewGuid()),
            "persona id" => ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId),
            "foreign id" => ConversationSeeding.ConversationId(foreign),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var conversations = await server.CountAsync<Conversation>();
        var messages = await server.CountAsync<Message>();

        var result = (await server.PostGraphQLAsync(Delete, new { input = new { id } })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.deleteConversation.conversation"));
        Assert.Equal(["NOT_FOUND input.id"], UserErrors(result, "deleteConversation"));
        Assert.Equal(conversations, await server.CountAsync<Conversation>());
        Assert.Equal(messages, await server.CountAsync<Message>());
    }

    private Task<Conversation?> ReadConversationAsync(string? globalId)
    {
        Assert.True(GlobalId.TryDecodeGuid(globalId, ConversationGraphType.TypeName, out var id), $"Not a conversation id: {globalId}");
        return server.ReadAsync(db => db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id));
    }

    private Task<List<(string Title, DateTime UpdatedAt)>> ReadTitlesAsync(params Guid[] ids) =>
        server.ReadAsync(async db => (await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Title)
            .Select(c => new { c.Title, c.UpdatedAt }).ToListAsync()).Select(c => (c.Title, c.UpdatedAt)).ToList());

    /// <summary>Each user error as "CODE input.field", the two things a client switches on.</summary>
    private static List<string> UserErrors(JsonNode result, string mutation) =>
        result.At($"data.{mutation}.userErrors")!.AsArray()
            .Select(e => $"{e!["code"]!.GetValue<string>()} {string.Join('.', e["field"]!.AsArray().Select(f => f!.GetValue<string>()))}")
            .ToList();
}

public sealed class ConversationMutationsOnSqliteTests(SqliteServer server) : ConversationMutationsTests(server), IClassFixture<SqliteServer>;

public sealed class ConversationMutationsOnPostgresTests(PostgresServer server) : ConversationMutationsTests(server), IClassFixture<PostgresServer>;
