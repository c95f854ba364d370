using System.Globalization;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;

namespace LlmPlatform.Graph.Tests.Conversations;

public abstract class ConversationQueriesTests(PlatformServer server)
{
    [Fact]
    public async Task Conversation_OwnConversation_ReturnsEveryField()
    {
        var id = (await server.AddConversationsAsync("Every field", 1, messagesEach: 3))[0];
        var globalId = ConversationSeeding.ConversationId(id);

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) {
              conversation(id: $id) { id title persona { name } messages { totalCount } createdAt updatedAt }
            }
            """, new { id = globalId })).ShouldHaveNoErrors();

        Assert.Equal(globalId, result.String("data.conversation.id"));
        Assert.Equal("Every field 00", result.String("data.conversation.title"));
        Assert.Equal("Helpful assistant", result.String("data.conversation.persona.name"));
        Assert.Equal(3, result.Int("data.conversation.messages.totalCount"));
        Assert.Equal(ConversationSeeding.Epoch, DateTimeOffset.Parse(result.String("data.conversation.createdAt")!, CultureInfo.InvariantCulture).UtcDateTime);
        Assert.Equal(ConversationSeeding.Epoch, DateTimeOffset.Parse(result.String("data.conversation.updatedAt")!, CultureInfo.InvariantCulture).UtcDateTime);
    }

    [Fact]
    public async Task Conversation_IdOfNoOwnConversation_ReturnsNullWithoutError()
    {
        var stranger = await server.AddOtherUserAsync();
        var foreign = (await server.AddConversationsAsync("Not yours", 1, ownerId: stranger))[0];
        var mine = (await server.AddConversationsAsync("Mine", 1))[0];

        var result = (await server.PostGraphQLAsync("""
            query($malformed: ID!, $unknown: ID!, $persona: ID!, $sameKeyOtherType: ID!, $foreign: ID!) {
              malformed: conversation(id: $malformed) { id }
              unknown: conversation(id: $unknown) { id }
              persona: conversation(id: $persona) { id }
              sameKeyOtherType: conversation(id: $sameKeyOtherType) { id }
              foreign: conversation(id: $foreign) { id }
            }
            """, new
        {
            malformed = "Q29udmVyc2F0aW9u",
            unknown = ConversationSeeding.ConversationId(Guid.NewGuid()),
            persona = ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId),
            sameKeyOtherType = ConversationSeeding.PersonaId(mine),
            foreign = ConversationSeeding.ConversationId(foreign),
        })).ShouldHaveNoErrors();

        foreach (var alias in new[] { "malformed", "unknown", "persona", "sameKeyOtherType", "foreign" })
            Assert.Null(result.At("data." + alias));
    }

    [Fact]
    public async Task Conversations_OtherUsersConversations_AreNeitherListedNorCounted()
    {
        var stranger = await server.AddOtherUserAsync();
        await server.AddConversationsAsync("Listing foreign", 2, ownerId: stranger);
        await server.AddConversationsAsync("Listing mine", 1);

        var result = (await server.PostGraphQLAsync("""
            { conversations(where: { title: { startsWith: "Listing" } }) { totalCount nodes { title } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(["Listing mine 00"], result.Strings("data.conversations", "title"));
        Assert.Equal(1, result.Int("data.conversations.totalCount"));
    }

    [Fact]
    public async Task Conversations_NoOrder_ListsMostRecentlyChangedFirst()
    {
        await server.AddConversationsAsync("Recency", 4);

        var result = (await server.PostGraphQLAsync("""
            { conversations(where: { title: { startsWith: "Recency" } }) { nodes { title updatedAt } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(["Recency 03", "Recency 02", "Recency 01", "Recency 00"], result.Strings("data.conversations", "title"));
    }

    [Fact]
    public async Task Conversations_TotalCount_CountsTheWholeListNotThePage()
    {
        await server.AddConversationsAsync("Counted", 5);

        var result = (await server.PostGraphQLAsync("""
            { conversations(first: 2, where: { title: { startsWith: "Counted" } }) { totalCount nodes { title } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(2, result.Strings("data.conversations", "title").Count);
        Assert.Equal(5, result.Int("data.conversations.totalCount"));
    }
}

public sealed class ConversationQueriesOnSqliteTests(SqliteServer server) : ConversationQueriesTests(server), IClassFixture<SqliteServer>;

public sealed class ConversationQueriesOnPostgresTests(PostgresServer server) : ConversationQueriesTests(server), IClassFixture<PostgresServer>;
