using System.Globalization;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.Paging;

namespace LlmPlatform.Graph.Tests.Personas;

public abstract class PersonaQueriesTests(PlatformServer server)
{
    [Fact]
    public async Task Personas_FreshDatabase_ListsTheBuiltInPersonasByName()
    {
        var result = (await server.PostGraphQLAsync("""
            { personas(first: 10, where: { isBuiltIn: { eq: true } }) { totalCount nodes { name isBuiltIn } } }
            """)).ShouldHaveNoErrors();

        var names = result.At("data.personas.nodes")!.AsArray().Select(n => n!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Helpful assistant", names);
        Assert.Contains("Code reviewer", names);
        Assert.Contains("Translator", names);
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);
        Assert.Equal(names.Count, result.Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Persona_OwnPersona_ReturnsEveryField()
    {
        var id = await server.ReadAsync(async db =>
        {
            var persona = new Persona
            {
                Id = Guid.CreateVersion7(),
                Name = "Every field",
                Description = "Has a value in every field.",
                SystemPrompt = "You answer in haiku.",
                DefaultProvider = "openai",
                DefaultModel = "gpt-test",
                Temperature = 1.25,
                MaxTokens = 512,
                OwnerId = LocalUser.Id,
                CreatedAt = ConversationSeeding.Epoch,
                UpdatedAt = ConversationSeeding.Epoch.AddHours(1),
            };
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            return persona.Id;
        });
        var globalId = ConversationSeeding.PersonaId(id);

        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) {
              persona(id: $id) {
                id name description systemPrompt defaultProvider defaultModel temperature maxTokens isBuiltIn createdAt updatedAt
              }
            }
            """, new { id = globalId })).ShouldHaveNoErrors();

        Assert.Equal(globalId, result.String("data.persona.id"));
        Assert.Equal("Every field", result.String("data.persona.name"));
        Assert.Equal("Has a value in every field.", result.String("data.persona.description"));
        Assert.Equal("You answer in haiku.", result.String("data.persona.systemPrompt"));
        Assert.Equal("openai", result.String("data.persona.defaultProvider"));
        Assert.Equal("gpt-test", result.String("data.persona.defaultModel"));
        Assert.Equal(1.25, result.At("data.persona.temperature")!.GetValue<double>());
        Assert.Equal(512, result.Int("data.persona.maxTokens"));
        Assert.False(result.At("data.persona.isBuiltIn")!.GetValue<bool>());
        AssertUtc(ConversationSeeding.Epoch, result.String("data.persona.createdAt"));
        AssertUtc(ConversationSeeding.Epoch.AddHours(1), result.String("data.persona.updatedAt"));
    }

    [Fact]
    public async Task Persona_BuiltInPersona_ReturnsItWithNullableFieldsNull()
    {
        var result = (await server.PostGraphQLAsync("""
            query($id: ID!) { persona(id: $id) { name isBuiltIn defaultProvider maxTokens } }
            """, new { id = ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId) })).ShouldHaveNoErrors();

        Assert.Equal("Helpful assistant", result.String("data.persona.name"));
        Assert.True(result.At("data.persona.isBuiltIn")!.GetValue<bool>());
        // No target of its own: it follows Llm:DefaultProvider.
        Assert.Null(result.At("data.persona.defaultProvider"));
        Assert.Null(result.At("data.persona.maxTokens"));
    }

    [Fact]
    public async Task Persona_IdOfNoVisiblePersona_ReturnsNullWithoutError()
    {
        var stranger = await server.AddOtherUserAsync();
        var foreign = await server.AddPersonaAsync(stranger, "Not yours");
        var conversation = (await server.AddConversationsAsync("Persona id test", 1))[0];

        var result = (await server.PostGraphQLAsync("""
            query($malformed: ID!, $notAGuid: ID!, $unknown: ID!, $conversation: ID!, $sameKeyOtherType: ID!, $foreign: ID!) {
              malformed: persona(id: $malformed) { id }
              notAGuid: persona(id: $notAGuid) { id }
              unknown: persona(id: $unknown) { id }
              conversation: persona(id: $conversation) { id }
              sameKeyOtherType: persona(id: $sameKeyOtherType) { id }
              foreign: persona(id: $foreign) { id }
            }
            """, new
        {
            malformed = "not an id",
            notAGuid = GlobalId.Encode(PersonaGraphType.TypeName, 42),
            unknown = ConversationSeeding.PersonaId(Guid.NewGuid()),
            conversation = ConversationSeeding.ConversationId(conversation),
            sameKeyOtherType = ConversationSeeding.ConversationId(BuiltInPersonas.HelpfulAssistantId),
            foreign = ConversationSeeding.PersonaId(foreign),
        })).ShouldHaveNoErrors();

        foreach (var alias in new[] { "malformed", "notAGuid", "unknown", "conversation", "sameKeyOtherType", "foreign" })
            Assert.Null(result.At("data." + alias));
    }

    [Fact]
    public async Task Personas_OtherUsersPersonas_AreNeitherListedNorCounted()
    {
        var stranger = await server.AddOtherUserAsync();
        await server.AddPersonaAsync(stranger, "Listing test foreign");
        await server.AddPersonaAsync(LocalUser.Id, "Listing test mine");

        var result = (await server.PostGraphQLAsync("""
            { personas(where: { name: { startsWith: "Listing test" } }) { totalCount nodes { name } } }
            """)).ShouldHaveNoErrors();

        Assert.Equal(["Listing test mine"], result.Strings("data.personas", "name"));
        Assert.Equal(1, result.Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Personas_NoOrder_ListsOwnAndBuiltInTogetherByName()
    {
        await server.AddPersonaAsync(LocalUser.Id, "Mixed B");
        await server.AddPersonaAsync(LocalUser.Id, "Mixed A");

        var result = (await server.PostGraphQLAsync("""
            {
              personas(first: 100, where: { or: [{ isBuiltIn: { eq: true } }, { name: { startsWith: "Mixed " } }] }) {
                totalCount nodes { name }
              }
            }
            """)).ShouldHaveNoErrors();

        Assert.Equal(
            ["Code reviewer", "Helpful assistant", "Mixed A", "Mixed B", "Patient tutor", "Summarizer", "Translator"],
            result.Strings("data.personas", "name"));
        Assert.Equal(7, result.Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Personas_WalkedForwardThenBackward_VisitEveryPersonaOnceInOrder()
    {
        for (var i = 0; i < 7; i++)
            await server.AddPersonaAsync(LocalUser.Id, $"Walk {i}");
        const string Page = """
            query($first: Int, $after: String, $last: Int, $before: String) {
              personas(first: $first, after: $after, last: $last, before: $before, where: { name: { startsWith: "Walk " } }) {
                nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              }
            }
            """;

        var forward = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await server.PostGraphQLAsync(Page, new { first = 3, after })).ShouldHaveNoErrors();
            forward.AddRange(page.Strings("data.personas", "name"));
            var info = page.PageInfo("data.personas");
            if (!info.HasNextPage)
                break;
            after = info.EndCursor;
        }
        var backward = new List<string>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await server.PostGraphQLAsync(Page, new { last = 3, before })).ShouldHaveNoErrors();
            backward.InsertRange(0, page.Strings("data.personas", "name"));
            var info = page.PageInfo("data.personas");
            if (!info.HasPreviousPage)
                break;
            before = info.StartCursor;
        }

        var expected = Enumerable.Range(0, 7).Select(i => $"Walk {i}").ToList();
        Assert.Equal(expected, forward);
        Assert.Equal(expected, backward);
    }

    /// <summary>A client reads a timestamp with its offset: UTC must be marked as such, whatever the database.</summary>
    private static void AssertUtc(DateTime expected, string? actual)
    {
        Assert.NotNull(actual);
        Assert.True(actual.EndsWith('Z') || actual.EndsWith("+00:00", StringComparison.Ordinal), $"No UTC offset in {actual}");
        Assert.Equal(expected, DateTimeOffset.Parse(actual, CultureInfo.InvariantCulture).UtcDateTime);
    }
}

public sealed class PersonaQueriesOnSqliteTests(SqliteServer server) : PersonaQueriesTests(server), IClassFixture<SqliteServer>;

public sealed class PersonaQueriesOnPostgresTests(PostgresServer server) : PersonaQueriesTests(server), IClassFixture<PostgresServer>;
