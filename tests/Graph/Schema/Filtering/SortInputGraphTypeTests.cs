using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Schema.Filtering;

/// <summary>`order:` through the real endpoint, over five personas whose temperatures tie and five conversations.</summary>
public abstract class SortInputGraphTypeTests(PlatformServer server)
{
    // name and temperature; persona i was created i days and changed 10 - i days after the epoch.
    private static readonly (string Name, double Temperature)[] Personas =
        [("s-a", 1.0), ("s-b", 0.5), ("s-c", 1.0), ("s-d", 0.5), ("s-e", 1.0)];

    [Theory]
    [InlineData("[{ name: ASC }]", "s-a|s-b|s-c|s-d|s-e")]
    [InlineData("[{ name: DESC }]", "s-e|s-d|s-c|s-b|s-a")]
    [InlineData("[{ temperature: DESC }, { name: DESC }]", "s-e|s-c|s-a|s-d|s-b")]
    [InlineData("[{ temperature: ASC }, { name: DESC }]", "s-d|s-b|s-e|s-c|s-a")]
    [InlineData("[{ name: DESC, temperature: null }]", "s-e|s-d|s-c|s-b|s-a")]
    [InlineData("[{ createdAt: DESC }]", "s-e|s-d|s-c|s-b|s-a")]
    [InlineData("[{ updatedAt: ASC }]", "s-e|s-d|s-c|s-b|s-a")]
    [InlineData("[{ updatedAt: DESC }]", "s-a|s-b|s-c|s-d|s-e")]
    [InlineData("[]", "s-a|s-b|s-c|s-d|s-e")]
    [InlineData("[{ }]", "s-a|s-b|s-c|s-d|s-e")]
    [InlineData("[{ name: null }]", "s-a|s-b|s-c|s-d|s-e")]
    public async Task Personas_Order_ListsInThatOrder(string order, string expected)
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync($$"""
            { personas(where: { name: { startsWith: "s-" } }, order: {{order}}) { nodes { name } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(expected.Split('|'), result.Strings("data.personas", "name"));
    }

    [Theory]
    [InlineData(10, null)]
    [InlineData(11, "INVALID_SORT")]
    [InlineData(5_000, "INVALID_SORT")]
    public async Task Personas_OrderWithManyElements_OverTheLimitRefusedBeforeAnyQuery(int elements, string? code)
    {
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync("query($order: [PersonaSortInput!]) { personas(first: 1, order: $order) { totalCount } }",
            new { order = Enumerable.Repeat(new { name = "ASC" }, elements).ToArray() });

        result.ShouldBeServedOrRefusedBeforeAnyQuery(code, server.Sql);
    }

    [Theory]
    [InlineData("[{ temperature: ASC, name: DESC }]")]
    [InlineData("[{ name: ASC }, { temperature: DESC, createdAt: ASC }]")]
    public async Task Personas_OrderElementWithTwoFields_ReturnsInvalidSortErrorRatherThanGuessing(string order)
    {
        var result = await server.PostGraphQLAsync($$"""{ personas(order: {{order}}) { nodes { name } } }""");

        Assert.Equal(["INVALID_SORT"], result.ErrorCodes());
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task Personas_OrderInVariables_ListsInThatOrder()
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync("""
            query($order: [PersonaSortInput!]) { personas(where: { name: { startsWith: "s-" } }, order: $order) { nodes { name } } }
            """, new { order = new object[] { new { temperature = "ASC" }, new { createdAt = "DESC" } } })).ShouldHaveNoErrors();

        Assert.Equal(["s-d", "s-b", "s-e", "s-c", "s-a"], result.Strings("data.personas", "name"));
    }

    [Fact]
    public async Task Personas_OrderByIsBuiltInAscending_ListsOwnPersonasBeforeBuiltInOnes()
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync("""
            { personas(first: 100, order: [{ isBuiltIn: ASC }, { name: ASC }]) { nodes { name isBuiltIn } } }
            """)).ShouldHaveNoErrors();

        var builtIn = result.At("data.personas.nodes")!.AsArray().Select(n => n!["isBuiltIn"]!.GetValue<bool>()).ToList();
        Assert.Equal(["s-a", "s-b", "s-c", "s-d", "s-e"], result.Strings("data.personas", "name").Take(5));
        Assert.Equal(builtIn.Order().ToList(), builtIn);
        Assert.Contains(true, builtIn);
    }

    [Fact]
    public async Task Personas_OrderWithTiesPagedForward_VisitsEveryPersonaOnceInTheOrderOfOnePage()
    {
        await SeedAsync();
        const string Page = """
            query($first: Int!, $after: String) {
              personas(first: $first, after: $after, where: { name: { startsWith: "s-" } }, order: [{ temperature: DESC }]) {
                nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              }
            }
            """;
        var whole = (await server.PostGraphQLAsync(Page, new { first = 100 })).ShouldHaveNoErrors().Strings("data.personas", "name");

        var walked = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await server.PostGraphQLAsync(Page, new { first = 2, after })).ShouldHaveNoErrors();
            walked.AddRange(page.Strings("data.personas", "name"));
            if (!page.PageInfo("data.personas").HasNextPage)
                break;
            after = page.PageInfo("data.personas").EndCursor;
        }

        Assert.Equal(whole, walked);
        Assert.Equal(["s-a", "s-c", "s-e"], whole.Take(3).Order(StringComparer.Ordinal));
        Assert.Equal(["s-b", "s-d"], whole.Skip(3).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Personas_OrderWithLast_ReturnsTheEndOfThatOrder()
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync("""
            {
              personas(last: 2, where: { name: { startsWith: "s-" } }, order: [{ createdAt: DESC }]) {
                nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              }
            }
            """)).ShouldHaveNoErrors();

        Assert.Equal(["s-b", "s-a"], result.Strings("data.personas", "name"));
        Assert.True(result.PageInfo("data.personas").HasPreviousPage);
        Assert.False(result.PageInfo("data.personas").HasNextPage);
    }

    [Theory]
    [InlineData(null, "Sort talk 04|Sort talk 03|Sort talk 02|Sort talk 01|Sort talk 00")]
    [InlineData("[{ title: ASC }]", "Sort talk 00|Sort talk 01|Sort talk 02|Sort talk 03|Sort talk 04")]
    [InlineData("[{ title: DESC }]", "Sort talk 04|Sort talk 03|Sort talk 02|Sort talk 01|Sort talk 00")]
    [InlineData("[{ createdAt: ASC }]", "Sort talk 00|Sort talk 01|Sort talk 02|Sort talk 03|Sort talk 04")]
    [InlineData("[{ updatedAt: DESC }]", "Sort talk 04|Sort talk 03|Sort talk 02|Sort talk 01|Sort talk 00")]
    public async Task Conversations_Order_ListsInThatOrderAndMostRecentlyChangedFirstByDefault(string? order, string expected)
    {
        await SeedAsync();
        var orderArgument = order is null ? "" : ", order: " + order;

        var result = (await server.PostGraphQLAsync($$"""
            { conversations(where: { title: { startsWith: "Sort talk" } }{{orderArgument}}) { nodes { title } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(expected.Split('|'), result.Strings("data.conversations", "title"));
    }

    /// <summary>Writes the personas and conversations once per database; the tests only read them.</summary>
    private async Task SeedAsync()
    {
        if (await server.ReadAsync(db => db.Personas.AnyAsync(p => p.Name == "s-a")))
            return;
        await server.ReadAsync(async db =>
        {
            for (var i = 0; i < Personas.Length; i++)
            {
                db.Personas.Add(new Persona
                {
                    Id = Guid.CreateVersion7(),
                    Name = Personas[i].Name,
                    SystemPrompt = "Sort me.",
                    Temperature = Personas[i].Temperature,
                    OwnerId = LocalUser.Id,
                    CreatedAt = ConversationSeeding.Epoch.AddDays(i),
                    UpdatedAt = ConversationSeeding.Epoch.AddDays(10 - i),
                });
            }
            return await db.SaveChangesAsync();
        });
        await server.AddConversationsAsync("Sort talk", 5);
    }
}

public sealed class SortInputGraphTypeOnSqliteTests(SqliteServer server) : SortInputGraphTypeTests(server), IClassFixture<SqliteServer>;

public sealed class SortInputGraphTypeOnPostgresTests(PostgresServer server) : SortInputGraphTypeTests(server), IClassFixture<PostgresServer>;
