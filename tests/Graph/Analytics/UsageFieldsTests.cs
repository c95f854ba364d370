using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Tests.Usage;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>
/// <c>Persona.usage</c>, <c>Conversation.usage</c> and <c>User.usage</c> show the caller's own usage, and a page of
/// any size costs the same number of statements (the loaders batch it).
/// </summary>
public sealed class UsageFieldsTests(UsageFieldsTests.UsageServer server) : IClassFixture<UsageFieldsTests.UsageServer>
{
    private static readonly Guid[] Personas =
        [BuiltInPersonas.HelpfulAssistantId, BuiltInPersonas.CodeReviewerId, BuiltInPersonas.TranslatorId, BuiltInPersonas.TutorId, BuiltInPersonas.SummarizerId];

    /// <summary>The local user's server (no token needed), with usage rows for the built-in personas and four conversations.</summary>
    public sealed class UsageServer : PlatformServer, IAsyncLifetime
    {
        public List<UsageEvent> Events { get; } = UsageSeed.Events();

        protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.CreateSqlite());

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

        async Task IAsyncLifetime.InitializeAsync()
        {
            await InitializeAsync();
            var random = new Random(3);
            foreach (var usage in Events)
            {
                usage.PersonaId = Personas[random.Next(Personas.Length)];
                usage.UserId = random.Next(3) == 0 ? UsageSeed.Bob : LocalUser.Id;
            }
            await ReadAsync(async db =>
            {
                db.Conversations.AddRange(UsageSeed.Conversations.Select(id => new Conversation
                {
                    Id = id, Title = "usage", OwnerId = LocalUser.Id, CreatedAt = UsageSeed.From, UpdatedAt = UsageSeed.From.AddMinutes(id.GetHashCode() % 100),
                }));
                db.UsageEvents.AddRange(Events);
                return await db.SaveChangesAsync();
            });
        }
    }

    [Fact]
    public async Task PersonaUsage_ShowsTheCallersOwnUsage_InAConstantNumberOfStatements()
    {
        const string Query = """
            query($first: Int!, $range: UsageRangeInput!) {
              personas(first: $first) { nodes { id usage(range: $range) { requests promptTokens cost latencyP95Ms } } }
              me { usage(range: $range) { requests } }
            }
            """;
        var range = new { from = UsageSeed.From, to = UsageSeed.To.AddDays(-3) };
        await server.PostGraphQLAsync(Query, new { first = 1, range });

        server.Sql.Reset();
        var one = await server.PostGraphQLAsync(Query, new { first = 1, range });
        var statementsForOne = server.Sql.Count;
        server.Sql.Reset();
        var five = await server.PostGraphQLAsync(Query, new { first = 5, range });

        Assert.Equal(statementsForOne, server.Sql.Count);
        Assert.True(five["errors"] is null, five.ToJsonString());
        var own = server.Events.Where(u => u.UserId == LocalUser.Id && u.CreatedAt >= range.from && u.CreatedAt < range.to).ToList();
        var nodes = five["data"]!["personas"]!["nodes"]!.AsArray();
        Assert.Equal(5, nodes.Count);
        foreach (var node in nodes)
        {
            Assert.True(GlobalId.TryDecodeGuid((string?)node!["id"], "Persona", out var persona));
            var expected = UsageReference.Aggregate(own.Where(u => u.PersonaId == persona),
                new UsageQuery(null, null, TimeZoneInfo.Utc, [])).Single();
            Assert.Equal(expected.Requests, (long)node["usage"]!["requests"]!);
            Assert.Equal(expected.PromptTokens, (long)node["usage"]!["promptTokens"]!);
            Assert.Equal((double)expected.Cost, (double)node["usage"]!["cost"]!, 6);
            Assert.Equal(expected.LatencyP95Ms!.Value, (double)node["usage"]!["latencyP95Ms"]!, 6);
        }
        Assert.Equal(own.Count, (long)five["data"]!["me"]!["usage"]!["requests"]!);
        Assert.Equal((long)one["data"]!["me"]!["usage"]!["requests"]!, own.Count);
    }

    [Fact]
    public async Task ConversationUsage_SumsEachConversation_InAConstantNumberOfStatements()
    {
        const string Query = "query($first: Int!) { conversations(first: $first) { nodes { id usage { requests completionTokens } } } }";
        await server.PostGraphQLAsync(Query, new { first = 1 });

        server.Sql.Reset();
        await server.PostGraphQLAsync(Query, new { first = 1 });
        var statementsForOne = server.Sql.Count;
        server.Sql.Reset();
        var four = await server.PostGraphQLAsync(Query, new { first = 4 });

        Assert.Equal(statementsForOne, server.Sql.Count);
        var nodes = four["data"]!["conversations"]!["nodes"]!.AsArray();
        Assert.Equal(4, nodes.Count);
        foreach (var node in nodes)
        {
            Assert.True(GlobalId.TryDecodeGuid((string?)node!["id"], "Conversation", out var conversation));
            var own = server.Events.Where(u => u.ConversationId == conversation && u.UserId == LocalUser.Id).ToList();
            Assert.NotEmpty(own);
            Assert.Equal(own.Count, (long)node["usage"]!["requests"]!);
            Assert.Equal(own.Sum(u => (long)u.CompletionTokens), (long)node["usage"]!["completionTokens"]!);
        }
    }
}
