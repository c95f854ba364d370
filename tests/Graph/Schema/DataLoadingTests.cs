using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;

namespace LlmPlatform.Graph.Tests.Schema;

/// <summary>
/// Nested fields load in batches: a page of conversations costs the same few SQL statements whether it holds
/// three conversations or forty, and each still gets its own persona and its own page of messages.
/// </summary>
public abstract class DataLoadingTests(PlatformServer server)
{
    [Fact]
    public async Task Conversations_PersonaAndLastFiveMessages_CostTheSameFewStatementsForAnyPageSize()
    {
        var persona = await server.AddPersonaAsync(LocalUser.Id, "Loader partner");
        await server.AddConversationsAsync("Small page", 3, messagesEach: 7);
        await server.AddConversationsAsync("Large page A", 20, messagesEach: 7);
        await server.AddConversationsAsync("Large page B", 20, messagesEach: 6, personaId: persona);
        const string Query = """
            query($prefix: String!) {
              conversations(first: 50, where: { title: { startsWith: $prefix } }) {
                nodes { title persona { name } messages(last: 5) { nodes { content } } }
              }
            }
            """;

        server.Sql.Reset();
        var small = (await server.PostGraphQLAsync(Query, new { prefix = "Small page" })).ShouldHaveNoErrors();
        var smallStatements = server.Sql.Count;
        server.Sql.Reset();
        var large = (await server.PostGraphQLAsync(Query, new { prefix = "Large page" })).ShouldHaveNoErrors();
        var largeStatements = server.Sql.Count;

        Assert.InRange(smallStatements, 1, 6);
        Assert.Equal(smallStatements, largeStatements);
        var conversations = large.At("data.conversations.nodes")!.AsArray().Select(c => c!).ToList();
        Assert.Equal(40, conversations.Count);
        Assert.Equal(3, small.At("data.conversations.nodes")!.AsArray().Count);
        foreach (var conversation in conversations)
        {
            var title = conversation.String("title")!;
            var (expectedPersona, from) = title.StartsWith("Large page A", StringComparison.Ordinal) ? ("Helpful assistant", 2) : ("Loader partner", 1);
            Assert.Equal(expectedPersona, conversation.String("persona.name"));
            Assert.Equal(Enumerable.Range(from, 5).Select(i => $"{title} #{i}"), conversation.Strings("messages", "content"));
        }
    }

    [Fact]
    public async Task Conversations_MessagesPagedForwardFromACursor_CostTheSameFewStatementsForAnyPageSize()
    {
        await server.AddConversationsAsync("Cursor small", 3, messagesEach: 5);
        await server.AddConversationsAsync("Cursor large", 40, messagesEach: 5);
        const string Query = """
            query($prefix: String!, $after: String) {
              conversations(first: 50, where: { title: { startsWith: $prefix } }) {
                nodes { title messages(first: 2, after: $after) { nodes { content } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
              }
            }
            """;
        var after = (await server.PostGraphQLAsync(Query, new { prefix = "Cursor small" })).ShouldHaveNoErrors()
            .PageInfo("data.conversations.nodes[0].messages").EndCursor;

        server.Sql.Reset();
        (await server.PostGraphQLAsync(Query, new { prefix = "Cursor small", after })).ShouldHaveNoErrors();
        var smallStatements = server.Sql.Count;
        server.Sql.Reset();
        var large = (await server.PostGraphQLAsync(Query, new { prefix = "Cursor large", after })).ShouldHaveNoErrors();
        var largeStatements = server.Sql.Count;

        Assert.InRange(smallStatements, 1, 6);
        Assert.Equal(smallStatements, largeStatements);
        var conversations = large.At("data.conversations.nodes")!.AsArray().Select(c => c!).ToList();
        Assert.Equal(40, conversations.Count);
        foreach (var conversation in conversations)
        {
            var title = conversation.String("title")!;
            Assert.Equal([$"{title} #2", $"{title} #3"], conversation.Strings("messages", "content"));
            Assert.True(conversation.PageInfo("messages").HasNextPage);
            Assert.True(conversation.PageInfo("messages").HasPreviousPage);
        }
    }

    [Fact]
    public async Task Conversations_TwoPagesOfMessagesEach_BatchEachKindOfPageOnce()
    {
        await server.AddConversationsAsync("Two pages small", 2, messagesEach: 6);
        await server.AddConversationsAsync("Two pages large", 30, messagesEach: 6);
        const string Query = """
            query($prefix: String!) {
              conversations(first: 50, where: { title: { startsWith: $prefix } }) {
                nodes { title oldest: messages(first: 2) { nodes { content } } newest: messages(last: 2) { nodes { content } } }
              }
            }
            """;

        server.Sql.Reset();
        (await server.PostGraphQLAsync(Query, new { prefix = "Two pages small" })).ShouldHaveNoErrors();
        var smallStatements = server.Sql.Count;
        server.Sql.Reset();
        var large = (await server.PostGraphQLAsync(Query, new { prefix = "Two pages large" })).ShouldHaveNoErrors();

        Assert.Equal(smallStatements, server.Sql.Count);
        Assert.InRange(smallStatements, 1, 6);
        foreach (var conversation in large.At("data.conversations.nodes")!.AsArray().Select(c => c!))
        {
            var title = conversation.String("title")!;
            Assert.Equal([$"{title} #0", $"{title} #1"], conversation.Strings("oldest", "content"));
            Assert.Equal([$"{title} #4", $"{title} #5"], conversation.Strings("newest", "content"));
        }
    }

    [Fact]
    public async Task Persona_ManyAliases_LoadInOneStatement()
    {
        server.Sql.Reset();

        var result = (await server.PostGraphQLAsync("""
            query($a: ID!, $b: ID!, $c: ID!) {
              a: persona(id: $a) { name }
              b: persona(id: $b) { name }
              c: persona(id: $c) { name }
              again: persona(id: $a) { name }
            }
            """, new
        {
            a = ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId),
            b = ConversationSeeding.PersonaId(BuiltInPersonas.TranslatorId),
            c = ConversationSeeding.PersonaId(Guid.NewGuid()),
        })).ShouldHaveNoErrors();

        Assert.Equal("Helpful assistant", result.String("data.a.name"));
        Assert.Equal("Translator", result.String("data.b.name"));
        Assert.Null(result.At("data.c"));
        Assert.Equal("Helpful assistant", result.String("data.again.name"));
        Assert.Equal(1, server.Sql.Count);
    }
}

public sealed class DataLoadingOnSqliteTests(SqliteServer server) : DataLoadingTests(server), IClassFixture<SqliteServer>;

public sealed class DataLoadingOnPostgresTests(PostgresServer server) : DataLoadingTests(server), IClassFixture<PostgresServer>;
