using LlmPlatform.Llm.Generation;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Personas;

public abstract class PersonaMutationsTests(PlatformServer server)
{
    private const string Create = """
        mutation($input: CreatePersonaInput!) {
          createPersona(input: $input) {
            persona { id name description systemPrompt defaultProvider defaultModel temperature maxTokens isBuiltIn }
            userErrors { message code field }
          }
        }
        """;

    private const string Update = """
        mutation($input: UpdatePersonaInput!) {
          updatePersona(input: $input) {
            persona { id name description systemPrompt defaultProvider defaultModel temperature maxTokens }
            userErrors { message code field }
          }
        }
        """;

    private const string Delete = """
        mutation($input: DeletePersonaInput!) {
          deletePersona(input: $input) { persona { id name } userErrors { message code field } }
        }
        """;

    [Fact]
    public async Task CreatePersona_EveryField_StoresItAsTheCallersAndReturnsIt()
    {
        var result = (await server.PostGraphQLAsync(Create, new
        {
            input = new
            {
                name = "  Poet  ",
                description = "Writes verse.",
                systemPrompt = "Answer in rhyme.",
                defaultProvider = "openai",
                defaultModel = "gpt-test",
                temperature = 1.5,
                maxTokens = 300,
            },
        })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createPersona.userErrors")!.AsArray());
        Assert.Equal("Poet", result.String("data.createPersona.persona.name"));
        Assert.False(result.At("data.createPersona.persona.isBuiltIn")!.GetValue<bool>());
        Assert.True(GlobalId.TryDecodeGuid(result.String("data.createPersona.persona.id"), PersonaGraphType.TypeName, out var id));
        var stored = await ReadPersonaAsync(id);
        Assert.Equal(new PersonaRow("Poet", "Writes verse.", "Answer in rhyme.", "openai", "gpt-test", 1.5, 300, LocalUser.Id), stored?.WithoutUpdatedAt());
        var read = (await server.PostGraphQLAsync("""
            query($id: ID!) { persona(id: $id) { name maxTokens } }
            """, new { id = result.String("data.createPersona.persona.id") })).ShouldHaveNoErrors();
        Assert.Equal("Poet", read.String("data.persona.name"));
        Assert.Equal(300, read.Int("data.persona.maxTokens"));
    }

    [Fact]
    public async Task CreatePersona_ReturnedTimestamps_AreTheOnesLaterReadsReturn()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var created = (await server.PostGraphQLAsync("""
                mutation { createPersona(input: { name: "Stamped", systemPrompt: "Tick." }) { persona { id createdAt updatedAt } } }
                """)).ShouldHaveNoErrors();
            var updated = (await server.PostGraphQLAsync("""
                mutation($id: ID!) { updatePersona(input: { id: $id, name: "Stamped again" }) { persona { updatedAt } } }
                """, new { id = created.String("data.createPersona.persona.id") })).ShouldHaveNoErrors();

            var read = (await server.PostGraphQLAsync("""
                query($id: ID!) { persona(id: $id) { createdAt updatedAt } }
                """, new { id = created.String("data.createPersona.persona.id") })).ShouldHaveNoErrors();

            Assert.Equal(created.String("data.createPersona.persona.createdAt"), read.String("data.persona.createdAt"));
            Assert.Equal(updated.String("data.updatePersona.persona.updatedAt"), read.String("data.persona.updatedAt"));
        }
    }

    [Fact]
    public async Task CreatePersona_OnlyRequiredFields_UsesTheDefaults()
    {
        var result = (await server.PostGraphQLAsync(Create, new { input = new { name = "Plain", systemPrompt = "Be plain." } })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createPersona.userErrors")!.AsArray());
        Assert.Equal("", result.String("data.createPersona.persona.description"));
        Assert.Equal(0.7, result.At("data.createPersona.persona.temperature")!.GetValue<double>());
        Assert.Null(result.At("data.createPersona.persona.maxTokens"));
        Assert.Null(result.At("data.createPersona.persona.defaultProvider"));
        Assert.Null(result.At("data.createPersona.persona.defaultModel"));
    }

    [Fact]
    public async Task CreatePersona_ValuesAtTheLimits_AreAccepted()
    {
        var result = (await server.PostGraphQLAsync(Create, new
        {
            input = new
            {
                name = new string('n', Persona.NameMaxLength),
                description = new string('d', Persona.DescriptionMaxLength),
                systemPrompt = new string('s', Persona.SystemPromptMaxLength),
                defaultProvider = new string('p', Persona.ProviderMaxLength),
                defaultModel = new string('m', Persona.ModelMaxLength),
                temperature = 2.0,
                maxTokens = new GenerationOptions().MaxTokensLimit,
            },
        })).ShouldHaveNoErrors();
        var low = (await server.PostGraphQLAsync(Create, new { input = new { name = "x", systemPrompt = "y", temperature = 0.0, maxTokens = 1 } })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.createPersona.userErrors")!.AsArray());
        Assert.Equal(Persona.NameMaxLength, result.String("data.createPersona.persona.name")!.Length);
        Assert.Empty(low.At("data.createPersona.userErrors")!.AsArray());
        Assert.Equal(0.0, low.At("data.createPersona.persona.temperature")!.GetValue<double>());
    }

    public static TheoryData<string, string, string> BadCreateInputs => new()
    {
        { "empty name", "REQUIRED", "name" },
        { "blank name", "REQUIRED", "name" },
        { "long name", "TOO_LONG", "name" },
        { "long description", "TOO_LONG", "description" },
        { "empty system prompt", "REQUIRED", "systemPrompt" },
        { "blank system prompt", "REQUIRED", "systemPrompt" },
        { "long system prompt", "TOO_LONG", "systemPrompt" },
        { "long provider", "TOO_LONG", "defaultProvider" },
        { "long model", "TOO_LONG", "defaultModel" },
        { "negative temperature", "OUT_OF_RANGE", "temperature" },
        { "temperature above 2", "OUT_OF_RANGE", "temperature" },
        { "zero max tokens", "OUT_OF_RANGE", "maxTokens" },
        { "negative max tokens", "OUT_OF_RANGE", "maxTokens" },
        { "huge max tokens", "OUT_OF_RANGE", "maxTokens" },
    };

    [Theory]
    [MemberData(nameof(BadCreateInputs))]
    public async Task CreatePersona_BadInput_ReturnsUserErrorAndStoresNothing(string input, string code, string field)
    {
        var before = await server.CountAsync<Persona>();

        var result = (await server.PostGraphQLAsync(Create, new { input = BadInput(input, new() { ["name"] = "Fine", ["systemPrompt"] = "Fine." }) }))
            .ShouldHaveNoErrors();

        Assert.Null(result.At("data.createPersona.persona"));
        Assert.Equal([$"{code} input.{field}"], UserErrors(result, "createPersona"));
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task CreatePersona_SeveralBadFields_ReturnsAnErrorForEach()
    {
        var before = await server.CountAsync<Persona>();

        var result = (await server.PostGraphQLAsync(Create, new { input = new { name = " ", systemPrompt = "", temperature = 3.0, maxTokens = 0 } }))
            .ShouldHaveNoErrors();

        Assert.Equal(
            ["REQUIRED input.name", "REQUIRED input.systemPrompt", "OUT_OF_RANGE input.temperature", "OUT_OF_RANGE input.maxTokens"],
            UserErrors(result, "createPersona"));
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task UpdatePersona_OnlyName_ChangesTheNameAndNothingElse()
    {
        var id = await AddFullPersonaAsync();
        var before = await ReadPersonaAsync(id);

        var result = (await server.PostGraphQLAsync(Update, new { input = new { id = ConversationSeeding.PersonaId(id), name = " Renamed " } }))
            .ShouldHaveNoErrors();

        Assert.Empty(result.At("data.updatePersona.userErrors")!.AsArray());
        Assert.Equal("Renamed", result.String("data.updatePersona.persona.name"));
        var after = await ReadPersonaAsync(id);
        Assert.Equal(before! with { Name = "Renamed", UpdatedAt = after!.UpdatedAt }, after);
        Assert.True(after.UpdatedAt > before.UpdatedAt, "updatedAt did not move forward");
    }

    [Fact]
    public async Task UpdatePersona_EveryField_ChangesEach()
    {
        var id = await AddFullPersonaAsync();

        var result = (await server.PostGraphQLAsync(Update, new
        {
            input = new
            {
                id = ConversationSeeding.PersonaId(id),
                name = "New name",
                description = "New description",
                systemPrompt = "New prompt",
                defaultProvider = "ollama",
                defaultModel = "llama",
                temperature = 0,
                maxTokens = 99,
            },
        })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.updatePersona.userErrors")!.AsArray());
        Assert.Equal(0.0, result.At("data.updatePersona.persona.temperature")!.GetValue<double>());
        Assert.Equal(
            new PersonaRow("New name", "New description", "New prompt", "ollama", "llama", 0, 99, LocalUser.Id),
            (await ReadPersonaAsync(id))?.WithoutUpdatedAt());
    }

    [Fact]
    public async Task UpdatePersona_NullableFieldsSetToNull_ClearsThemAndKeepsTheRest()
    {
        var id = await AddFullPersonaAsync();

        var result = (await server.PostGraphQLAsync("""
            mutation($id: ID!) {
              updatePersona(input: { id: $id, description: null, defaultProvider: null, defaultModel: null, maxTokens: null }) {
                persona { description defaultProvider defaultModel maxTokens }
                userErrors { code }
              }
            }
            """, new { id = ConversationSeeding.PersonaId(id) })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.updatePersona.userErrors")!.AsArray());
        Assert.Null(result.At("data.updatePersona.persona.defaultProvider"));
        Assert.Null(result.At("data.updatePersona.persona.maxTokens"));
        Assert.Equal(
            new PersonaRow("Full", "", "Full prompt", null, null, 1.1, null, LocalUser.Id),
            (await ReadPersonaAsync(id))?.WithoutUpdatedAt());
    }

    public static TheoryData<string, string, string> BadUpdateInputs => new()
    {
        { "empty name", "REQUIRED", "name" },
        { "blank name", "REQUIRED", "name" },
        { "null name", "REQUIRED", "name" },
        { "long name", "TOO_LONG", "name" },
        { "long description", "TOO_LONG", "description" },
        { "empty system prompt", "REQUIRED", "systemPrompt" },
        { "null system prompt", "REQUIRED", "systemPrompt" },
        { "long system prompt", "TOO_LONG", "systemPrompt" },
        { "long provider", "TOO_LONG", "defaultProvider" },
        { "long model", "TOO_LONG", "defaultModel" },
        { "null temperature", "REQUIRED", "temperature" },
        { "negative temperature", "OUT_OF_RANGE", "temperature" },
        { "temperature above 2", "OUT_OF_RANGE", "temperature" },
        { "zero max tokens", "OUT_OF_RANGE", "maxTokens" },
        { "huge max tokens", "OUT_OF_RANGE", "maxTokens" },
    };

    [Theory]
    [MemberData(nameof(BadUpdateInputs))]
    public async Task UpdatePersona_BadInput_ReturnsUserErrorAndChangesNothing(string input, string code, string field)
    {
        var id = await AddFullPersonaAsync();
        var before = await ReadPersonaAsync(id);

        var result = (await server.PostGraphQLAsync(Update, new { input = BadInput(input, new() { ["id"] = ConversationSeeding.PersonaId(id) }) }))
            .ShouldHaveNoErrors();

        Assert.Null(result.At("data.updatePersona.persona"));
        Assert.Equal([$"{code} input.{field}"], UserErrors(result, "updatePersona"));
        Assert.Equal(before, await ReadPersonaAsync(id));
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("unknown")]
    [InlineData("conversation")]
    [InlineData("foreign")]
    public async Task UpdatePersona_IdOfNoOwnPersona_ReturnsNotFoundAndChangesNothing(string kind)
    {
        var (id, foreign) = await IdOfNoOwnPersonaAsync(kind);
        var before = foreign is { } f ? await ReadPersonaAsync(f) : null;

        var result = (await server.PostGraphQLAsync(Update, new { input = new { id, name = "Taken over" } })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.updatePersona.persona"));
        Assert.Equal(["NOT_FOUND input.id"], UserErrors(result, "updatePersona"));
        if (foreign is { } unchanged)
            Assert.Equal(before, await ReadPersonaAsync(unchanged));
    }

    [Fact]
    public async Task UpdatePersona_UnknownIdAndBadName_ReturnsBothErrorsNotFoundFirst()
    {
        var result = (await server.PostGraphQLAsync(Update, new { input = new { id = ConversationSeeding.PersonaId(Guid.NewGuid()), name = "" } }))
            .ShouldHaveNoErrors();

        Assert.Equal(["NOT_FOUND input.id", "REQUIRED input.name"], UserErrors(result, "updatePersona"));
    }

    [Fact]
    public async Task UpdatePersona_BuiltInPersona_ReturnsReadOnlyAndChangesNothing()
    {
        var before = await ReadPersonaAsync(BuiltInPersonas.HelpfulAssistantId);

        var result = (await server.PostGraphQLAsync(Update, new
        {
            input = new { id = ConversationSeeding.PersonaId(BuiltInPersonas.HelpfulAssistantId), name = "Unhelpful assistant" },
        })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.updatePersona.persona"));
        Assert.Equal(["READ_ONLY input.id"], UserErrors(result, "updatePersona"));
        Assert.Equal(before, await ReadPersonaAsync(BuiltInPersonas.HelpfulAssistantId));
    }

    [Fact]
    public async Task DeletePersona_OwnPersona_DeletesItAndKeepsItsConversationsWithoutPersona()
    {
        var id = await AddFullPersonaAsync();
        var conversations = await server.AddConversationsAsync("Orphaned by delete", 2, messagesEach: 3, personaId: id);
        var messages = await server.CountAsync<Message>();

        var result = (await server.PostGraphQLAsync(Delete, new { input = new { id = ConversationSeeding.PersonaId(id) } })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.deletePersona.userErrors")!.AsArray());
        Assert.Equal("Full", result.String("data.deletePersona.persona.name"));
        Assert.Equal(ConversationSeeding.PersonaId(id), result.String("data.deletePersona.persona.id"));
        Assert.Null(await ReadPersonaAsync(id));
        Assert.Equal(messages, await server.CountAsync<Message>());
        var read = (await server.PostGraphQLAsync("""
            query($id: ID!) { conversation(id: $id) { title persona { id } messages { totalCount } } }
            """, new { id = ConversationSeeding.ConversationId(conversations[0]) })).ShouldHaveNoErrors();
        Assert.Equal("Orphaned by delete 00", read.String("data.conversation.title"));
        Assert.Null(read.At("data.conversation.persona"));
        Assert.Equal(3, read.Int("data.conversation.messages.totalCount"));
        Assert.Equal(2, await server.ReadAsync(db => db.Conversations.CountAsync(c => conversations.Contains(c.Id) && c.PersonaId == null)));
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("unknown")]
    [InlineData("conversation")]
    [InlineData("foreign")]
    public async Task DeletePersona_IdOfNoOwnPersona_ReturnsNotFoundAndDeletesNothing(string kind)
    {
        var (id, _) = await IdOfNoOwnPersonaAsync(kind);
        var before = await server.CountAsync<Persona>();

        var result = (await server.PostGraphQLAsync(Delete, new { input = new { id } })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.deletePersona.persona"));
        Assert.Equal(["NOT_FOUND input.id"], UserErrors(result, "deletePersona"));
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task DeletePersona_BuiltInPersona_ReturnsReadOnlyAndDeletesNothing()
    {
        var before = await server.CountAsync<Persona>();

        var result = (await server.PostGraphQLAsync(Delete, new { input = new { id = ConversationSeeding.PersonaId(BuiltInPersonas.TranslatorId) } }))
            .ShouldHaveNoErrors();

        Assert.Null(result.At("data.deletePersona.persona"));
        Assert.Equal(["READ_ONLY input.id"], UserErrors(result, "deletePersona"));
        Assert.Equal(before, await server.CountAsync<Persona>());
        Assert.NotNull(await ReadPersonaAsync(BuiltInPersonas.TranslatorId));
    }

    /// <summary>The input of a bad-input case: <paramref name="valid"/> with the one bad field of <paramref name="kind"/>.</summary>
    private static Dictionary<string, object?> BadInput(string kind, Dictionary<string, object?> valid)
    {
        var (field, value) = kind switch
        {
            "empty name" => ("name", (object?)""),
            "blank name" => ("name", " \t "),
            "null name" => ("name", null),
            "long name" => ("name", new string('n', Persona.NameMaxLength + 1)),
            "long description" => ("description", new string('d', Persona.DescriptionMaxLength + 1)),
            "empty system prompt" => ("systemPrompt", ""),
            "blank system prompt" => ("systemPrompt", "   "),
            "null system prompt" => ("systemPrompt", null),
            "long system prompt" => ("systemPrompt", new string('s', Persona.SystemPromptMaxLength + 1)),
            "long provider" => ("defaultProvider", new string('p', Persona.ProviderMaxLength + 1)),
            "long model" => ("defaultModel", new string('m', Persona.ModelMaxLength + 1)),
            "null temperature" => ("temperature", null),
            "negative temperature" => ("temperature", -0.01),
            "temperature above 2" => ("temperature", 2.01),
            "zero max tokens" => ("maxTokens", 0),
            "negative max tokens" => ("maxTokens", -5),
            "huge max tokens" => ("maxTokens", int.MaxValue),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        valid[field] = value;
        return valid;
    }

    /// <summary>A persona id that is not one of the caller's own; for "foreign", also the id of the persona it names.</summary>
    private async Task<(string Id, Guid? Foreign)> IdOfNoOwnPersonaAsync(string kind)
    {
        switch (kind)
        {
            case "malformed":
                return ("definitely-not-an-id", null);
            case "unknown":
                return (ConversationSeeding.PersonaId(Guid.NewGuid()), null);
            case "conversation":
                var conversation = (await server.AddConversationsAsync("Wrong type id", 1))[0];
                return (ConversationSeeding.ConversationId(conversation), null);
            case "foreign":
                var persona = await server.AddPersonaAsync(await server.AddOtherUserAsync(), "Someone else's");
                return (ConversationSeeding.PersonaId(persona), persona);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private Task<Guid> AddFullPersonaAsync() =>
        server.ReadAsync(async db =>
        {
            var persona = new Persona
            {
                Id = Guid.CreateVersion7(),
                Name = "Full",
                Description = "Full description",
                SystemPrompt = "Full prompt",
                DefaultProvider = "openai",
                DefaultModel = "gpt-test",
                Temperature = 1.1,
                MaxTokens = 200,
                OwnerId = LocalUser.Id,
                CreatedAt = ConversationSeeding.Epoch,
                UpdatedAt = ConversationSeeding.Epoch,
            };
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            return persona.Id;
        });

    private Task<PersonaRow?> ReadPersonaAsync(Guid id) =>
        server.ReadAsync(db => db.Personas.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new PersonaRow(p.Name, p.Description, p.SystemPrompt, p.DefaultProvider, p.DefaultModel, p.Temperature, p.MaxTokens, p.OwnerId)
            {
                UpdatedAt = p.UpdatedAt,
            })
            .SingleOrDefaultAsync());

    /// <summary>Each user error as "CODE input.field", the two things a client switches on.</summary>
    internal static List<string> UserErrors(JsonNode result, string mutation) =>
        result.At($"data.{mutation}.userErrors")!.AsArray()
            .Select(e => $"{e!["code"]!.GetValue<string>()} {string.Join('.', e["field"]!.AsArray().Select(f => f!.GetValue<string>()))}")
            .ToList();

    private sealed record PersonaRow(
        string Name, string Description, string SystemPrompt, string? DefaultProvider, string? DefaultModel, double Temperature, int? MaxTokens, Guid? OwnerId)
    {
        public DateTime UpdatedAt { get; init; }

        public PersonaRow WithoutUpdatedAt() => this with { UpdatedAt = default };
    }
}

public sealed class PersonaMutationsOnSqliteTests(SqliteServer server) : PersonaMutationsTests(server), IClassFixture<SqliteServer>;

public sealed class PersonaMutationsOnPostgresTests(PostgresServer server) : PersonaMutationsTests(server), IClassFixture<PostgresServer>;

/// <summary>A deployment that allows shorter system prompts than the database holds: both mutations keep to it.</summary>
public sealed class PersonaSystemPromptLimitTests(PersonaSystemPromptLimitTests.ShortPromptsServer server)
    : IClassFixture<PersonaSystemPromptLimitTests.ShortPromptsServer>
{
    private const int MaxSystemPromptLength = 50;

    public sealed class ShortPromptsServer : ConfiguredSqliteServer
    {
        public ShortPromptsServer() => Set("Personas:MaxSystemPromptLength", MaxSystemPromptLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CreatePersona_SystemPromptAtTheConfiguredLimit_IsStored()
    {
        var result = (await server.PostGraphQLAsync(
            "mutation($prompt: String!) { createPersona(input: { name: \"At the limit\", systemPrompt: $prompt }) { persona { systemPrompt } userErrors { code } } }",
            new { prompt = new string('s', MaxSystemPromptLength) })).ShouldHaveNoErrors();

        Assert.Equal(MaxSystemPromptLength, result.String("data.createPersona.persona.systemPrompt")!.Length);
    }

    [Fact]
    public async Task CreateAndUpdatePersona_SystemPromptOverTheConfiguredLimit_TooLongAndNothingWritten()
    {
        var id = (await server.PostGraphQLAsync(
            "mutation { createPersona(input: { name: \"Short\", systemPrompt: \"Be brief.\" }) { persona { id } } }"))
            .ShouldHaveNoErrors().String("data.createPersona.persona.id");
        var personas = await server.CountAsync<Persona>();
        var tooLong = new string('s', MaxSystemPromptLength + 1);

        var created = (await server.PostGraphQLAsync(
            "mutation($prompt: String!) { createPersona(input: { name: \"Over\", systemPrompt: $prompt }) { persona { id } userErrors { code field } } }",
            new { prompt = tooLong })).ShouldHaveNoErrors();
        var updated = (await server.PostGraphQLAsync(
            "mutation($id: ID!, $prompt: String!) { updatePersona(input: { id: $id, systemPrompt: $prompt }) { persona { id } userErrors { code field } } }",
            new { id, prompt = tooLong })).ShouldHaveNoErrors();

        Assert.Equal(["TOO_LONG input.systemPrompt"], PersonaMutationsTests.UserErrors(created, "createPersona"));
        Assert.Equal(["TOO_LONG input.systemPrompt"], PersonaMutationsTests.UserErrors(updated, "updatePersona"));
        Assert.Null(created.At("data.createPersona.persona"));
        Assert.Null(updated.At("data.updatePersona.persona"));
        Assert.Equal(personas, await server.CountAsync<Persona>());
        Assert.Equal("Be brief.", (await server.PostGraphQLAsync("query($id: ID!) { persona(id: $id) { systemPrompt } }", new { id }))
            .ShouldHaveNoErrors().String("data.persona.systemPrompt"));
    }
}
