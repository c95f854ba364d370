using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Conversations;

/// <summary>The fields of a conversation: its persona, and its messages as a connection paged per conversation.</summary>
public abstract class ConversationGraphTypeTests(PlatformServer server)
{
    [Fact]
    public async Task Persona_OwnPersona_ReturnsIt()
    {
        var persona = await server.AddPersonaAsync(LocalUser.Id, "Conversation partner");
        var conversation = (await server.AddConversationsAsync("With own persona", 1, personaId: persona))[0];

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) { conversation(id: $id) { persona { id name isBuiltIn } } }
            """, new { id = ConversationSeeding.ConversationId(conversation) })).ShouldHaveNoErrors();

        Assert.Equal(ConversationSeeding.PersonaId(persona), result.String("data.conversation.persona.id"));
        Assert.Equal("Conversation partner", result.String("data.conversation.persona.name"));
        Assert.False(result.At("data.conversation.persona.isBuiltIn")!.GetValue<bool>());
    }

    [Fact]
    public async Task Persona_AnotherUsersPersona_ReadsAsNull()
    {
        var foreign = await server.AddPersonaAsync(await server.AddOtherUserAsync(), "Someone else's partner");
        var conversation = (await server.AddConversationsAsync("With foreign persona", 1, personaId: foreign))[0];

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) { conversation(id: $id) { title persona { name } } }
            """, new { id = ConversationSeeding.ConversationId(conversation) })).ShouldHaveNoErrors();

        Assert.Equal("With foreign persona 00", result.String("data.conversation.title"));
        Assert.Null(result.At("data.conversation.persona"));
    }

    [Fact]
    public async Task Messages_EveryField_ReturnsTheStoredValues()
    {
        var conversation = (await server.AddConversationsAsync("Message fields", 1, messagesEach: 2))[0];
        var stored = await server.ReadAsync(db => db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation).OrderBy(m => m.Id).ToListAsync());

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) {
              conversation(id: $id) { messages { nodes { id role content tokenCount finishReason generationId createdAt } } }
            }
            """, new { id = ConversationSeeding.ConversationId(conversation) })).ShouldHaveNoErrors();

        var question = result.At("data.conversation.messages.nodes[0]")!;
        Assert.Equal(ConversationSeeding.MessageId(stored[0].Id), question.String("id"));
        Assert.Equal("USER", question.String("role"));
        Assert.Equal("Message fields 00 #0", question.String("content"));
        Assert.Null(question["tokenCount"]);
        Assert.Null(question["finishReason"]);
        Assert.Equal(GlobalId.Encode("Generation", stored[0].GenerationId!.Value), question.String("generationId"));
        Assert.Equal(ConversationSeeding.Epoch, DateTimeOffset.Parse(question.String("createdAt")!, CultureInfo.InvariantCulture).UtcDateTime);
        var answer = result.At("data.conversation.messages.nodes[1]")!;
        Assert.Equal(ConversationSeeding.MessageId(stored[1].Id), answer.String("id"));
        Assert.Equal("ASSISTANT", answer.String("role"));
        Assert.Equal(11, answer.Int("tokenCount"));
        Assert.Equal("STOP", answer.String("finishReason"));
    }

    [Fact]
    public async Task Messages_NoArguments_ReturnTheOldestTenFirst()
    {
        var conversation = (await server.AddConversationsAsync("Ten of twelve", 1, messagesEach: 12))[0];

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) {
              conversation(id: $id) {
                messages { totalCount nodes { content } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
              }
            }
            """, new { id = ConversationSeeding.ConversationId(conversation) })).ShouldHaveNoErrors();

        Assert.Equal(Contents("Ten of twelve 00", 0, 10), result.Strings("data.conversation.messages", "content"));
        Assert.True(result.PageInfo("data.conversation.messages").HasNextPage);
        Assert.False(result.PageInfo("data.conversation.messages").HasPreviousPage);
        Assert.Equal(12, result.Int("data.conversation.messages.totalCount"));
    }

    [Fact]
    public async Task Messages_LastFive_ReturnEachConversationsNewestFiveOldestFirst()
    {
        await server.AddConversationsAsync("Last five A", 2, messagesEach: 8);
        await server.AddConversationsAsync("Last five B", 1, messagesEach: 3);
        await server.AddConversationsAsync("Last five C", 1);

        var result = await MessagesOfEachAsync("Last five", "last: 5");

        Assert.Equal(Contents("Last five A 00", 3, 5), result["Last five A 00"].Contents);
        Assert.Equal(Contents("Last five A 01", 3, 5), result["Last five A 01"].Contents);
        Assert.Equal(Contents("Last five B 00", 0, 3), result["Last five B 00"].Contents);
        Assert.Empty(result["Last five C 00"].Contents);
        Assert.Equal((true, false), Flags(result["Last five A 00"].PageInfo));
        Assert.Equal((false, false), Flags(result["Last five B 00"].PageInfo));
        Assert.Equal(new PageInfo(false, false, null, null), result["Last five C 00"].PageInfo);
        Assert.Equal([8, 8, 3, 0], result.Values.Select(m => m.TotalCount).OrderDescending());
    }

    [Fact]
    public async Task Messages_FirstTwoAfterACursor_PageEachConversationOnItsOwn()
    {
        await server.AddConversationsAsync("Forward A", 1, messagesEach: 5);
        await server.AddConversationsAsync("Forward B", 1, messagesEach: 3);
        await server.AddConversationsAsync("Forward C", 1, messagesEach: 1);

        var first = await MessagesOfEachAsync("Forward", "first: 2");
        var cursor = first["Forward A 00"].PageInfo.EndCursor;
        var second = await MessagesOfEachAsync("Forward", $"first: 2, after: \"{cursor}\"");
        var third = await MessagesOfEachAsync("Forward", $"first: 2, after: \"{second["Forward A 00"].PageInfo.EndCursor}\"");

        Assert.Equal(first["Forward B 00"].PageInfo.EndCursor, cursor);
        Assert.Equal(Contents("Forward A 00", 0, 2), first["Forward A 00"].Contents);
        Assert.Equal(Contents("Forward A 00", 2, 2), second["Forward A 00"].Contents);
        Assert.Equal(Contents("Forward A 00", 4, 1), third["Forward A 00"].Contents);
        Assert.Equal((true, true), Flags(second["Forward A 00"].PageInfo));
        Assert.Equal((true, false), Flags(third["Forward A 00"].PageInfo));
        Assert.Equal(Contents("Forward B 00", 0, 2), first["Forward B 00"].Contents);
        Assert.Equal(Contents("Forward B 00", 2, 1), second["Forward B 00"].Contents);
        Assert.Equal((true, false), Flags(second["Forward B 00"].PageInfo));
        Assert.Equal(Contents("Forward C 00", 0, 1), first["Forward C 00"].Contents);
        Assert.Equal((false, false), Flags(first["Forward C 00"].PageInfo));
        Assert.Empty(second["Forward C 00"].Contents);
        Assert.False(second["Forward C 00"].PageInfo.HasNextPage);
    }

    [Fact]
    public async Task Messages_WalkedBackwardWithBefore_VisitEveryMessageOnce()
    {
        var conversation = (await server.AddConversationsAsync("Backward", 1, messagesEach: 7))[0];

        var walked = new List<string>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await server.PostGraphQLAsync("""
                query($id: ID!, $before: String) {
                  conversation(id: $id) {
                    messages(last: 3, before: $before) { nodes { content } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
                  }
                }
                """, new { id = ConversationSeeding.ConversationId(conversation), before })).ShouldHaveNoErrors();
            walked.InsertRange(0, page.Strings("data.conversation.messages", "content"));
            var info = page.PageInfo("data.conversation.messages");
            Assert.Equal(before is not null, info.HasNextPage);
            if (!info.HasPreviousPage)
                break;
            before = info.StartCursor;
        }

        Assert.Equal(Contents("Backward 00", 0, 7), walked);
    }

    [Fact]
    public async Task Messages_LastWithAfter_ReturnEachConversationsNewestAfterTheCursor()
    {
        await server.AddConversationsAsync("Tail A", 1, messagesEach: 10);
        await server.AddConversationsAsync("Tail B", 1, messagesEach: 6);
        await server.AddConversationsAsync("Tail C", 1, messagesEach: 3);
        var cursor = (await MessagesOfEachAsync("Tail", "first: 5"))["Tail A 00"].PageInfo.EndCursor;

        var result = await MessagesOfEachAsync("Tail", $"last: 3, after: \"{cursor}\"");

        Assert.Equal(Contents("Tail A 00", 7, 3), result["Tail A 00"].Contents);
        Assert.Equal(Contents("Tail B 00", 5, 1), result["Tail B 00"].Contents);
        Assert.Empty(result["Tail C 00"].Contents);
        Assert.False(result["Tail A 00"].PageInfo.HasNextPage);
        Assert.False(result["Tail B 00"].PageInfo.HasNextPage);
    }

    [Fact]
    public async Task Messages_FirstWithBefore_ReturnEachConversationsOldestBeforeTheCursor()
    {
        await server.AddConversationsAsync("Head A", 1, messagesEach: 6);
        await server.AddConversationsAsync("Head B", 1, messagesEach: 2);
        var cursors = (await server.PostGraphQLAsync("""
            { conversations(where: { title: { eq: "Head A 00" } }) { nodes { messages { edges { cursor } } } } }
            """)).ShouldHaveNoErrors().Cursors("data.conversations.nodes[0].messages");

        var two = await MessagesOfEachAsync("Head", $"first: 2, before: \"{cursors[4]}\"");
        var upToThree = await MessagesOfEachAsync("Head", $"first: 10, before: \"{cursors[3]}\"");

        Assert.Equal(Contents("Head A 00", 0, 2), two["Head A 00"].Contents);
        Assert.True(two["Head A 00"].PageInfo.HasNextPage);
        Assert.Equal(Contents("Head A 00", 0, 3), upToThree["Head A 00"].Contents);
        Assert.Equal(Contents("Head B 00", 0, 2), upToThree["Head B 00"].Contents);
    }

    [Fact]
    public async Task Messages_FirstZero_ReportWhetherEachConversationHasMessages()
    {
        await server.AddConversationsAsync("Zero A", 1, messagesEach: 2);
        await server.AddConversationsAsync("Zero B", 1);

        var result = await MessagesOfEachAsync("Zero", "first: 0");

        Assert.Empty(result["Zero A 00"].Contents);
        Assert.True(result["Zero A 00"].PageInfo.HasNextPage);
        Assert.False(result["Zero B 00"].PageInfo.HasNextPage);
    }

    [Theory]
    [InlineData("first: -1")]
    [InlineData("last: 101")]
    [InlineData("first: 2, last: 2")]
    [InlineData("""after: "not a cursor" """)]
    public async Task Messages_BadPagingArguments_ReturnInvalidPagingArgumentsErrorAndNoConversation(string arguments)
    {
        var conversation = (await server.AddConversationsAsync("Bad paging", 1, messagesEach: 1))[0];

        var result = await server.PostGraphQLAsync($$"""
            query($id: ID!) { conversation(id: $id) { title messages({{arguments}}) { nodes { content } } } }
            """, new { id = ConversationSeeding.ConversationId(conversation) });

        Assert.Equal(["INVALID_PAGING_ARGUMENTS"], result.ErrorCodes());
        Assert.Null(result.At("data.conversation"));
    }

    /// <summary>"{title} #{from}" up to "{title} #{from + count - 1}": the contents the seeding gave those messages.</summary>
    private static List<string> Contents(string title, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{title} #{i}").ToList();

    private static (bool HasPreviousPage, bool HasNextPage) Flags(PageInfo info) => (info.HasPreviousPage, info.HasNextPage);

    /// <summary>Each conversation whose title starts with <paramref name="prefix"/>, with one page of its messages.</summary>
    private async Task<Dictionary<string, MessagePage>> MessagesOfEachAsync(string prefix, string arguments)
    {
        var result = (await server.PostGraphQLAsync($$"""
            query($prefix: String!) {
              conversations(first: 100, where: { title: { startsWith: $prefix } }) {
                nodes {
                  title
                  messages({{arguments}}) { totalCount nodes { content } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
                }
              }
            }
            """, new { prefix })).ShouldHaveNoErrors();
        return result.At("data.conversations.nodes")!.AsArray().ToDictionary(
            c => c!["title"]!.GetValue<string>(),
            c => new MessagePage(c!.Strings("messages", "content"), c!.PageInfo("messages"), c!.Int("messages.totalCount")));
    }

    private sealed record MessagePage(IReadOnlyList<string> Contents, PageInfo PageInfo, int TotalCount);
}

public sealed class ConversationGraphTypeOnSqliteTests(SqliteServer server) : ConversationGraphTypeTests(server), IClassFixture<SqliteServer>;

public sealed class ConversationGraphTypeOnPostgresTests(PostgresServer server) : ConversationGraphTypeTests(server), IClassFixture<PostgresServer>;
