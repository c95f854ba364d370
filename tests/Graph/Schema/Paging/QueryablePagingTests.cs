using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Schema.Paging;

/// <summary>
/// Relay paging of a root list, read in the database. The tests page through seven conversations,
/// "Page 00" to "Page 06" in title order, and check what a client relies on: no gaps, no overlaps, honest pageInfo.
/// </summary>
public abstract class QueryablePagingTests(PlatformServer server)
{
    private const string Page = """
        query($first: Int, $after: String, $last: Int, $before: String) {
          conversations(first: $first, after: $after, last: $last, before: $before,
                        where: { title: { startsWith: "Page " } }, order: [{ title: ASC }]) {
            totalCount
            edges { cursor node { title } }
            nodes { title }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }
        """;

    private static readonly string[] Titles = [.. Enumerable.Range(0, 7).Select(i => $"Page {i:D2}")];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    public async Task Conversations_WalkedForwardWithAfter_VisitEveryItemOnceWithHonestPageInfo(int size)
    {
        await SeedAsync();

        var walked = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await PageAsync(new { first = size, after });
            var titles = page.Strings("data.conversations", "title");
            var info = page.PageInfo("data.conversations");
            Assert.Equal(Titles.Skip(walked.Count).Take(size), titles);
            Assert.Equal(titles, page.At("data.conversations.edges")!.AsArray().Select(e => e!["node"]!["title"]!.GetValue<string>()));
            Assert.Equal(walked.Count > 0, info.HasPreviousPage);
            Assert.Equal(walked.Count + titles.Count < Titles.Length, info.HasNextPage);
            Assert.Equal(page.Cursors("data.conversations")[0], info.StartCursor);
            Assert.Equal(page.Cursors("data.conversations")[^1], info.EndCursor);
            Assert.Equal(Titles.Length, page.Int("data.conversations.totalCount"));
            walked.AddRange(titles);
            if (!info.HasNextPage)
                break;
            after = info.EndCursor;
        }

        Assert.Equal(Titles, walked);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    public async Task Conversations_WalkedBackwardWithBefore_VisitEveryItemOnceWithHonestPageInfo(int size)
    {
        await SeedAsync();

        var walked = new List<string>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await PageAsync(new { last = size, before });
            var titles = page.Strings("data.conversations", "title");
            var info = page.PageInfo("data.conversations");
            var remaining = Titles.Length - walked.Count;
            Assert.Equal(Titles.Skip(Math.Max(0, remaining - size)).Take(Math.Min(size, remaining)), titles);
            Assert.Equal(remaining > size, info.HasPreviousPage);
            Assert.Equal(walked.Count > 0, info.HasNextPage);
            Assert.Equal(page.Cursors("data.conversations")[0], info.StartCursor);
            Assert.Equal(page.Cursors("data.conversations")[^1], info.EndCursor);
            Assert.Equal(Titles.Length, page.Int("data.conversations.totalCount"));
            walked.InsertRange(0, titles);
            if (!info.HasPreviousPage)
                break;
            before = info.StartCursor;
        }

        Assert.Equal(Titles, walked);
    }

    [Fact]
    public async Task Conversations_CursorsOfOneItem_AreTheSameWhicheverWayItWasReached()
    {
        await SeedAsync();

        var forward = await PageAsync(new { first = 7 });
        var backward = await PageAsync(new { last = 3 });

        Assert.Equal(forward.Cursors("data.conversations").Skip(4), backward.Cursors("data.conversations"));
    }

    [Fact]
    public async Task Conversations_NoPagingArguments_ReturnTheFirstTen()
    {
        await server.AddConversationsAsync("Default size", 12);

        var result = (await server.PostGraphQLAsync("""
            { conversations(where: { title: { startsWith: "Default size" } }, order: [{ title: ASC }]) {
                nodes { title } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"Default size {i:D2}"), result.Strings("data.conversations", "title"));
        Assert.True(result.PageInfo("data.conversations").HasNextPage);
    }

    [Fact]
    public async Task Conversations_FirstZero_ReturnsNoItemsButReportsTheNextPage()
    {
        await SeedAsync();

        var page = await PageAsync(new { first = 0 });

        Assert.Empty(page.Strings("data.conversations", "title"));
        Assert.Equal(new PageInfo(false, true, null, null), page.PageInfo("data.conversations"));
        Assert.Equal(Titles.Length, page.Int("data.conversations.totalCount"));
    }

    [Fact]
    public async Task Conversations_LastZero_ReturnsNoItemsButReportsThePreviousPage()
    {
        await SeedAsync();

        var page = await PageAsync(new { last = 0 });

        Assert.Empty(page.Strings("data.conversations", "title"));
        Assert.Equal(new PageInfo(true, false, null, null), page.PageInfo("data.conversations"));
    }

    [Fact]
    public async Task Conversations_FirstWithBefore_ReturnsTheStartOfTheItemsBeforeTheCursor()
    {
        await SeedAsync();
        var cursors = (await PageAsync(new { first = 7 })).Cursors("data.conversations");

        var two = await PageAsync(new { first = 2, before = cursors[4] });
        var all = await PageAsync(new { first = 10, before = cursors[3] });

        Assert.Equal(["Page 00", "Page 01"], two.Strings("data.conversations", "title"));
        Assert.True(two.PageInfo("data.conversations").HasNextPage);
        Assert.False(two.PageInfo("data.conversations").HasPreviousPage);
        Assert.Equal(["Page 00", "Page 01", "Page 02"], all.Strings("data.conversations", "title"));
    }

    [Fact]
    public async Task Conversations_LastWithAfter_ReturnsTheEndOfTheItemsAfterTheCursor()
    {
        await SeedAsync();
        var cursors = (await PageAsync(new { first = 7 })).Cursors("data.conversations");

        var two = await PageAsync(new { last = 2, after = cursors[1] });
        var all = await PageAsync(new { last = 10, after = cursors[4] });

        Assert.Equal(["Page 05", "Page 06"], two.Strings("data.conversations", "title"));
        Assert.False(two.PageInfo("data.conversations").HasNextPage);
        Assert.True(two.PageInfo("data.conversations").HasPreviousPage);
        Assert.Equal(["Page 05", "Page 06"], all.Strings("data.conversations", "title"));
        Assert.Equal(cursors.Skip(5), all.Cursors("data.conversations"));
    }

    [Fact]
    public async Task Conversations_AfterAndBefore_ReturnOnlyTheItemsBetweenTheCursors()
    {
        await SeedAsync();
        var cursors = (await PageAsync(new { first = 7 })).Cursors("data.conversations");

        var forward = await PageAsync(new { first = 10, after = cursors[1], before = cursors[5] });
        var backward = await PageAsync(new { last = 2, after = cursors[1], before = cursors[5] });

        Assert.Equal(["Page 02", "Page 03", "Page 04"], forward.Strings("data.conversations", "title"));
        Assert.Equal(["Page 03", "Page 04"], backward.Strings("data.conversations", "title"));
    }

    [Fact]
    public async Task Conversations_AfterTheLastItem_ReturnsAnEmptyPageWithNoNextPage()
    {
        await SeedAsync();
        var last = (await PageAsync(new { first = 7 })).PageInfo("data.conversations").EndCursor;

        var page = await PageAsync(new { first = 3, after = last });

        Assert.Empty(page.Strings("data.conversations", "title"));
        Assert.False(page.PageInfo("data.conversations").HasNextPage);
        Assert.Null(page.PageInfo("data.conversations").EndCursor);
    }

    [Fact]
    public async Task Conversations_FirstAtTheMaximum_IsAllowed()
    {
        await SeedAsync();

        var page = await PageAsync(new { first = 100 });

        Assert.Equal(Titles, page.Strings("data.conversations", "title"));
    }

    [Fact]
    public async Task Conversations_ForwardPage_IsOneStatementAndTotalCountOneMore()
    {
        await SeedAsync();
        server.Sql.Reset();

        (await server.PostGraphQLAsync("""{ conversations(first: 3) { nodes { title } pageInfo { hasNextPage } } }""")).ShouldHaveNoErrors();
        var page = server.Sql.Count;
        server.Sql.Reset();
        (await server.PostGraphQLAsync("""{ conversations(first: 3) { totalCount nodes { title } } }""")).ShouldHaveNoErrors();

        Assert.Equal(1, page);
        Assert.Equal(2, server.Sql.Count);
    }

    [Theory]
    [InlineData("first: -1")]
    [InlineData("last: -1")]
    [InlineData("first: 101")]
    [InlineData("last: 101")]
    [InlineData("first: 1, last: 1")]
    [InlineData("""after: "garbage" """)]
    [InlineData("""before: "garbage" """)]
    [InlineData("""after: "" """)]
    [InlineData("""after: "aTotMQ" """)] // "i:-1"
    [InlineData("""after: "eDox" """)] // "x:1"
    [InlineData("""after: "aToxeA" """)] // "i:1x"
    [InlineData("""after: "aToyMTQ3NDgzNjQ3" """)] // "i:2147483647": one past it is not a position
    public async Task Conversations_BadPagingArguments_ReturnInvalidPagingArgumentsErrorAndNoData(string arguments)
    {
        var result = await server.PostGraphQLAsync($$"""{ conversations({{arguments}}) { nodes { title } } }""");

        Assert.Equal(["INVALID_PAGING_ARGUMENTS"], result.ErrorCodes());
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task Personas_BadPagingArguments_ReturnInvalidPagingArgumentsErrorAndNoData()
    {
        var result = await server.PostGraphQLAsync("""{ personas(first: 101) { nodes { name } } }""");

        Assert.Equal(["INVALID_PAGING_ARGUMENTS"], result.ErrorCodes());
        Assert.Null(result["data"]);
    }

    private async Task<System.Text.Json.Nodes.JsonObject> PageAsync(object variables) =>
        (await server.PostGraphQLAsync(Page, variables)).ShouldHaveNoErrors();

    /// <summary>Writes the seven conversations once per database; the tests only read them.</summary>
    private async Task SeedAsync()
    {
        if (!await server.ReadAsync(db => db.Conversations.AnyAsync(c => c.Title == "Page 00")))
            await server.AddConversationsAsync("Page", Titles.Length);
    }
}

public sealed class QueryablePagingOnSqliteTests(SqliteServer server) : QueryablePagingTests(server), IClassFixture<SqliteServer>;

public sealed class QueryablePagingOnPostgresTests(PostgresServer server) : QueryablePagingTests(server), IClassFixture<PostgresServer>;
