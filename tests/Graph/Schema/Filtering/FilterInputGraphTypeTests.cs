using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Schema.Filtering;

/// <summary>
/// `where:` through the real endpoint. Every test here reads the same six personas of the local user, whose
/// names differ in case and hold LIKE wildcards, so that both databases must compare text the same way.
/// </summary>
public abstract class FilterInputGraphTypeTests(PlatformServer server)
{
    // name, description, temperature, defaultProvider, defaultModel; created i days after the epoch, changed an hour later.
    private static readonly (string Name, string Description, double Temperature, string? Provider, string? Model)[] Personas =
    [
        ("alpha", "first", 0.2, "openai", "gpt-4o"),
        ("Alphabet", "letters", 1.0, null, null),
        ("beta ALPHA", "shouting", 1.5, "ollama", "llama3"),
        ("gamma", "", 2.0, "openai", null),
        ("percent 100%", "wild", 0.0, null, null),
        ("under_score", "wild too", 0.7, null, null),
    ];

    private const string All = "Alphabet|alpha|beta ALPHA|gamma|percent 100%|under_score";

    [Theory]
    // Text: every comparison is case-sensitive, and LIKE wildcards in the value are plain characters.
    [InlineData("""{ name: { contains: "alpha" } }""", "alpha")]
    [InlineData("""{ name: { contains: "ALPHA" } }""", "beta ALPHA")]
    [InlineData("""{ name: { contains: "pha" } }""", "Alphabet|alpha")]
    [InlineData("""{ name: { ncontains: "a" } }""", "percent 100%|under_score")]
    [InlineData("""{ name: { eq: "gamma" } }""", "gamma")]
    [InlineData("""{ name: { eq: "Gamma" } }""", "")]
    [InlineData("""{ name: { neq: "gamma" } }""", "Alphabet|alpha|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ name: { in: ["alpha", "gamma", "nobody"] } }""", "alpha|gamma")]
    [InlineData("""{ name: { nin: ["alpha", "gamma"] } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ name: { startsWith: "alpha" } }""", "alpha")]
    [InlineData("""{ name: { startsWith: "Alpha" } }""", "Alphabet")]
    [InlineData("""{ name: { startsWith: "ALPHA" } }""", "")]
    [InlineData("""{ name: { nstartsWith: "a" } }""", "Alphabet|beta ALPHA|gamma|percent 100%|under_score")]
    [InlineData("""{ name: { endsWith: "ALPHA" } }""", "beta ALPHA")]
    [InlineData("""{ name: { endsWith: "ha" } }""", "alpha")]
    [InlineData("""{ name: { endsWith: "HA" } }""", "beta ALPHA")]
    [InlineData("""{ name: { nendsWith: "a" } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ name: { contains: "%" } }""", "percent 100%")]
    [InlineData("""{ name: { contains: "_" } }""", "under_score")]
    [InlineData("""{ name: { startsWith: "_" } }""", "")]
    [InlineData("""{ name: { startsWith: "%" } }""", "")]
    [InlineData("""{ name: { startsWith: "under_" } }""", "under_score")]
    [InlineData("""{ name: { endsWith: "0%" } }""", "percent 100%")]
    [InlineData("""{ name: { endsWith: "_" } }""", "")]
    [InlineData("""{ description: { eq: "" } }""", "gamma")]
    // Ignoring case, the same on both databases (for A-Z), still with the wildcards as plain characters.
    [InlineData("""{ name: { icontains: "ALPHA" } }""", "Alphabet|alpha|beta ALPHA")]
    [InlineData("""{ name: { icontains: "Pha" } }""", "Alphabet|alpha|beta ALPHA")]
    [InlineData("""{ name: { icontains: "T 100%" } }""", "percent 100%")]
    [InlineData("""{ name: { icontains: "R_S" } }""", "under_score")]
    [InlineData("""{ name: { icontains: "%" } }""", "percent 100%")]
    [InlineData("""{ name: { icontains: "_" } }""", "under_score")]
    [InlineData("""{ name: { icontains: "r%" } }""", "")]
    [InlineData("""{ name: { ieq: "GAMMA" } }""", "gamma")]
    [InlineData("""{ name: { ieq: "alpha" } }""", "alpha")]
    [InlineData("""{ name: { ieq: "Alph" } }""", "")]
    [InlineData("""{ defaultProvider: { icontains: "AI" } }""", "alpha|gamma")]
    [InlineData("""{ defaultProvider: { ieq: "OLLAMA" } }""", "beta ALPHA")]
    // A nullable text field: null is a value to compare with, and "not equal" includes the nulls.
    [InlineData("""{ defaultProvider: { eq: null } }""", "Alphabet|percent 100%|under_score")]
    [InlineData("""{ defaultProvider: { neq: null } }""", "alpha|beta ALPHA|gamma")]
    [InlineData("""{ defaultProvider: { neq: "openai" } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ defaultProvider: { in: ["openai"] } }""", "alpha|gamma")]
    [InlineData("""{ defaultProvider: { nin: ["openai"] } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ defaultModel: { in: [null, "llama3"] } }""", "Alphabet|beta ALPHA|gamma|percent 100%|under_score")]
    [InlineData("""{ defaultProvider: { startsWith: "o" } }""", "alpha|beta ALPHA|gamma")]
    [InlineData("""{ defaultProvider: { nstartsWith: "open" } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ defaultProvider: { ncontains: "pen" } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ defaultProvider: { nendsWith: "ai" } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ defaultModel: { startsWith: "gpt" } }""", "alpha")]
    // Numbers.
    [InlineData("""{ temperature: { gte: 1 } }""", "Alphabet|beta ALPHA|gamma")]
    [InlineData("""{ temperature: { gt: 1 } }""", "beta ALPHA|gamma")]
    [InlineData("""{ temperature: { lt: 0.7 } }""", "alpha|percent 100%")]
    [InlineData("""{ temperature: { lte: 0.7 } }""", "alpha|percent 100%|under_score")]
    [InlineData("""{ temperature: { eq: 0 } }""", "percent 100%")]
    [InlineData("""{ temperature: { neq: 0.2 } }""", "Alphabet|beta ALPHA|gamma|percent 100%|under_score")]
    [InlineData("""{ temperature: { in: [0.2, 2] } }""", "alpha|gamma")]
    [InlineData("""{ temperature: { nin: [0.2, 2] } }""", "Alphabet|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ temperature: { ngt: 1 } }""", "Alphabet|alpha|percent 100%|under_score")]
    [InlineData("""{ temperature: { ngte: 1.5 } }""", "Alphabet|alpha|percent 100%|under_score")]
    [InlineData("""{ temperature: { nlt: 1.5 } }""", "beta ALPHA|gamma")]
    [InlineData("""{ temperature: { nlte: 1.5 } }""", "gamma")]
    [InlineData("""{ temperature: { gte: 0.5, lte: 1.5 } }""", "Alphabet|beta ALPHA|under_score")]
    // A non-nullable field is never null: null matches nothing, and "not null" everything.
    [InlineData("""{ temperature: { eq: null } }""", "")]
    [InlineData("""{ temperature: { neq: null } }""", All)]
    [InlineData("""{ temperature: { in: [null] } }""", "")]
    [InlineData("""{ temperature: { nin: [null, 2] } }""", "Alphabet|alpha|beta ALPHA|percent 100%|under_score")]
    [InlineData("""{ isBuiltIn: { eq: null } }""", "")]
    // Booleans.
    [InlineData("""{ isBuiltIn: { neq: true } }""", All)]
    [InlineData("""{ isBuiltIn: { eq: true } }""", "")]
    // Points in time, with or without an offset.
    [InlineData("""{ createdAt: { gt: "2025-02-03T08:00:00Z" } }""", "gamma|percent 100%|under_score")]
    [InlineData("""{ createdAt: { gte: "2025-02-03T08:00:00Z" } }""", "beta ALPHA|gamma|percent 100%|under_score")]
    [InlineData("""{ createdAt: { lt: "2025-02-02T08:00:00Z" } }""", "alpha")]
    [InlineData("""{ createdAt: { eq: "2025-02-03T10:00:00+02:00" } }""", "beta ALPHA")]
    [InlineData("""{ createdAt: { in: ["2025-02-01T08:00:00Z", "2025-02-06T08:00:00Z"] } }""", "alpha|under_score")]
    [InlineData("""{ updatedAt: { gt: "2025-02-06T08:30:00Z" } }""", "under_score")]
    // Combinations: fields and operations given together must all hold.
    [InlineData("""{ and: [{ name: { contains: "a" } }, { temperature: { gte: 1 } }] }""", "Alphabet|beta ALPHA|gamma")]
    [InlineData("""{ or: [{ name: { eq: "alpha" } }, { temperature: { eq: 2 } }] }""", "alpha|gamma")]
    [InlineData("""{ or: [{ and: [{ name: { startsWith: "a" } }, { temperature: { lt: 1 } }] }, { defaultModel: { eq: "llama3" } }] }""", "alpha|beta ALPHA")]
    [InlineData("""{ name: { contains: "a" }, defaultProvider: { eq: "openai" } }""", "alpha|gamma")]
    [InlineData("""{ name: { startsWith: "a", endsWith: "a" } }""", "alpha")]
    [InlineData("""{ or: [{ name: { eq: "alpha" } }, { name: { eq: "gamma" } }], and: [{ temperature: { lt: 1 } }] }""", "alpha")]
    [InlineData("""{ }""", All)]
    public async Task Personas_Where_ReturnsExactlyTheMatchingPersonasAndCountsThem(string condition, string expected)
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync($$"""
            { personas(first: 100, where: { and: [{ isBuiltIn: { eq: false } }, {{condition}}] }) { totalCount nodes { name } } }
            """)).ShouldHaveNoErrors();

        var names = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(names, result.Strings("data.personas", "name"));
        Assert.Equal(names.Length, result.Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Personas_WhereInVariables_FiltersLikeTheSameLiteral()
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync("""
            query($where: PersonaFilterInput!) { personas(where: { and: [{ isBuiltIn: { eq: false } }, $where] }) { nodes { name } } }
            """, new
        {
            where = new
            {
                createdAt = new { gte = "2025-02-03T10:00:00+02:00", lt = "2025-02-06T08:00:00Z" },
                name = new { nin = new[] { "gamma" } },
            },
        })).ShouldHaveNoErrors();

        Assert.Equal(["beta ALPHA", "percent 100%"], result.Strings("data.personas", "name"));
    }

    [Fact]
    public async Task Personas_WhereWithPaging_PagesThroughTheFilteredListAndCountsIt()
    {
        await SeedAsync();
        const string Page = """
            query($after: String) {
              personas(first: 2, after: $after, where: { isBuiltIn: { eq: false }, name: { contains: "a" } }) {
                totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              }
            }
            """;

        var first = (await server.PostGraphQLAsync(Page)).ShouldHaveNoErrors();
        var second = (await server.PostGraphQLAsync(Page, new { after = first.PageInfo("data.personas").EndCursor })).ShouldHaveNoErrors();

        Assert.Equal(["Alphabet", "alpha"], first.Strings("data.personas", "name"));
        Assert.True(first.PageInfo("data.personas").HasNextPage);
        Assert.Equal(["beta ALPHA", "gamma"], second.Strings("data.personas", "name"));
        Assert.False(second.PageInfo("data.personas").HasNextPage);
        Assert.Equal(4, first.Int("data.personas.totalCount"));
        Assert.Equal(4, second.Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Personas_Where_IsOneStatementThatFiltersAndLimitsInTheDatabase()
    {
        await SeedAsync();
        server.Sql.Reset();
        using var sql = await SqlCapture.StartAsync(server);

        var result = (await server.PostGraphQLAsync("""
            { personas(first: 2, where: { temperature: { gte: 1 }, name: { contains: "ALPHA" } }) { nodes { name } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(["beta ALPHA"], result.Strings("data.personas", "name"));
        Assert.Equal(1, server.Sql.Count);
        var select = Assert.Single(sql.Statements);
        Assert.Contains("WHERE", select, StringComparison.Ordinal);
        Assert.Contains("\"Temperature\" >=", select, StringComparison.Ordinal);
        Assert.Contains("LIMIT", select, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Personas_WhereWithTotalCount_CountsInTheDatabaseWithTheSameCondition()
    {
        await SeedAsync();
        server.Sql.Reset();
        using var sql = await SqlCapture.StartAsync(server);

        var result = (await server.PostGraphQLAsync("""
            { personas(first: 1, where: { defaultProvider: { eq: "openai" } }) { totalCount nodes { name } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(2, result.Int("data.personas.totalCount"));
        Assert.Equal(2, server.Sql.Count);
        var count = Assert.Single(sql.Statements, s => s.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\"DefaultProvider\" =", count, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ name: { contains: null } }""")]
    [InlineData("""{ name: { in: null } }""")]
    [InlineData("""{ name: { startsWith: null } }""")]
    [InlineData("""{ temperature: { gt: null } }""")]
    [InlineData("""{ createdAt: { lte: null } }""")]
    public async Task Personas_NullWhereOnlyAValueMakesSense_ReturnsInvalidFilterError(string condition)
    {
        var result = await server.PostGraphQLAsync($$"""{ personas(where: {{condition}}) { nodes { name } } }""");

        Assert.Equal(["INVALID_FILTER"], result.ErrorCodes());
        Assert.Null(result["data"]);
    }

    [Theory]
    [InlineData(50, null)] // 50 elements of `or`, each with one operation: 100 conditions, the default limit
    [InlineData(51, "INVALID_FILTER")]
    [InlineData(5_000, "INVALID_FILTER")] // would overflow the stack while the query is translated
    public async Task Personas_WhereWithManyConditions_OverTheLimitRefusedBeforeAnyQuery(int elements, string? code)
    {
        var or = new JsonArray([.. Enumerable.Range(0, elements).Select(i =>
            (JsonNode)new JsonObject { ["name"] = new JsonObject { ["eq"] = $"n{i}" } })]);
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync("query($where: PersonaFilterInput) { personas(where: $where) { totalCount } }",
            new JsonObject { ["where"] = new JsonObject { ["or"] = or } });

        result.ShouldBeServedOrRefusedBeforeAnyQuery(code, server.Sql);
    }

    [Theory]
    [InlineData(1_000, null)]
    [InlineData(1_001, "INVALID_FILTER")]
    public async Task Personas_WhereInWithManyValues_OverTheLimitRefusedBeforeAnyQuery(int values, string? code)
    {
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync("query($names: [String]) { personas(where: { name: { in: $names } }) { totalCount } }",
            new { names = Enumerable.Range(0, values).Select(i => $"n{i}").ToArray() });

        result.ShouldBeServedOrRefusedBeforeAnyQuery(code, server.Sql);
    }

    [Fact]
    public async Task Personas_WhereWithAValueOfTheWrongType_ReturnsAnErrorNotAFault()
    {
        var result = await server.PostGraphQLAsync("""{ personas(where: { createdAt: { gt: "yesterday" } }) { nodes { name } } }""");

        Assert.NotEmpty(result.ErrorCodes());
        Assert.DoesNotContain("INTERNAL_SERVER_ERROR", result.ErrorCodes());
        Assert.False(result.ContainsKey("data") && result["data"] is not null, "data: " + result.ToJsonString());
    }

    [Theory]
    [InlineData("""{ title: { startsWith: "Filter talk" } }""", "Filter talk 02|Filter talk 01|Filter talk 00")]
    [InlineData("""{ title: { contains: "talk 01" } }""", "Filter talk 01")]
    [InlineData("""{ title: { contains: "TALK" } }""", "")]
    [InlineData("""{ createdAt: { gte: "2025-02-01T08:01:00Z" } }""", "Filter talk 02|Filter talk 01")]
    [InlineData("""{ updatedAt: { lt: "2025-02-01T08:01:00Z" } }""", "Filter talk 00")]
    [InlineData("""{ or: [{ title: { endsWith: "00" } }, { title: { endsWith: "02" } }] }""", "Filter talk 02|Filter talk 00")]
    public async Task Conversations_Where_ReturnsExactlyTheMatchingConversations(string condition, string expected)
    {
        await SeedAsync();

        var result = (await server.PostGraphQLAsync($$"""
            { conversations(where: {{condition}}) { totalCount nodes { title } } }
            """)).ShouldHaveNoErrors();

        var titles = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(titles, result.Strings("data.conversations", "title"));
        Assert.Equal(titles.Length, result.Int("data.conversations.totalCount"));
    }

    /// <summary>Writes the six personas and three conversations once per database; the tests only read them.</summary>
    private async Task SeedAsync()
    {
        if (await server.ReadAsync(db => db.Personas.AnyAsync(p => p.Name == "alpha")))
            return;
        await server.ReadAsync(async db =>
        {
            for (var i = 0; i < Personas.Length; i++)
            {
                var (name, description, temperature, provider, model) = Personas[i];
                var created = ConversationSeeding.Epoch.AddDays(i);
                db.Personas.Add(new Persona
                {
                    Id = Guid.CreateVersion7(),
                    Name = name,
                    Description = description,
                    SystemPrompt = "Prompt of " + name,
                    Temperature = temperature,
                    DefaultProvider = provider,
                    DefaultModel = model,
                    OwnerId = LocalUser.Id,
                    CreatedAt = created,
                    UpdatedAt = created.AddHours(1),
                });
            }
            return await db.SaveChangesAsync();
        });
        await server.AddConversationsAsync("Filter talk", 3);
    }
}

public sealed class FilterInputGraphTypeOnSqliteTests(SqliteServer server) : FilterInputGraphTypeTests(server), IClassFixture<SqliteServer>;

public sealed class FilterInputGraphTypeOnPostgresTests(PostgresServer server) : FilterInputGraphTypeTests(server), IClassFixture<PostgresServer>;
