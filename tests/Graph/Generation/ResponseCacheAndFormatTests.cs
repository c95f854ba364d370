using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>The response cache and response formats as a client uses them: inputs, payloads and what is stored, on each database.</summary>
public abstract class ResponseCacheAndFormatTests
{
    private const string Finished = "query($id: ID!) { generation(id: $id) { status usage { cached cost promptTokens completionTokens } message { content responseFormat } } }";

    private const string PersonSchema = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""";

    private readonly StubProviderServer _server;

    protected ResponseCacheAndFormatTests(StubProviderServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    [Fact]
    public async Task PersonaWithCacheResponses_SecondGenerationIsReplayed_UsageCachedAtNoCost()
    {
        var created = (await _server.PostGraphQLAsync("""
            mutation { createPersona(input: { name: "Exact", systemPrompt: "Answer exactly.", defaultProvider: "stub", temperature: 0, cacheResponses: true }) {
              persona { id cacheResponses } userErrors { code } } }
            """)).ShouldHaveNoErrors();
        Assert.True(created.At("data.createPersona.persona.cacheResponses")!.GetValue<bool>());
        var prompt = GenerationStreams.UniquePrompt("cached by the persona");
        var input = new JsonObject { ["prompt"] = prompt, ["personaId"] = created.String("data.createPersona.persona.id") };

        var first = await FinishAsync(input);
        var second = await FinishAsync(input.DeepClone().AsObject());

        Assert.Equal(1, _server.Stub.Requests.Count(r => r.Messages.Any(m => m.Content == prompt)));
        Assert.False(first.At("usage.cached")!.GetValue<bool>());
        Assert.True(first.At("usage.cost")!.GetValue<double>() > 0);
        Assert.True(second.At("usage.cached")!.GetValue<bool>());
        Assert.Equal(0, second.At("usage.cost")!.GetValue<double>());
        Assert.Equal(first.Int("usage.completionTokens"), second.Int("usage.completionTokens"));
        Assert.Equal(first.String("message.content"), second.String("message.content"));
    }

    [Fact]
    public async Task UpdatePersona_CacheResponses_IsSetAndCannotBeNull()
    {
        var name = "Toggle " + Guid.NewGuid().ToString("N")[..8];
        var id = (await _server.PostGraphQLAsync(
            "mutation($name: String!) { createPersona(input: { name: $name, systemPrompt: \"Be brief.\" }) { persona { id } } }", new { name }))
            .ShouldHaveNoErrors().String("data.createPersona.persona.id");
        const string update = "mutation($input: UpdatePersonaInput!) { updatePersona(input: $input) { persona { cacheResponses } userErrors { code field } } }";

        var on = (await _server.PostGraphQLAsync(update, new JsonObject { ["input"] = new JsonObject { ["id"] = id, ["cacheResponses"] = true } })).ShouldHaveNoErrors();
        var cleared = (await _server.PostGraphQLAsync(update, new JsonObject { ["input"] = new JsonObject { ["id"] = id, ["cacheResponses"] = null } })).ShouldHaveNoErrors();

        Assert.True(on.At("data.updatePersona.persona.cacheResponses")!.GetValue<bool>());
        Assert.Equal("REQUIRED", cleared.String("data.updatePersona.userErrors[0].code"));
        Assert.True(await _server.ReadAsync(db => db.Personas.Where(p => p.Name == name).Select(p => p.CacheResponses).SingleAsync()));
    }

    [Fact]
    public async Task RequestAskingForTheCache_AtTemperatureZero_IsReplayed_AndNotAboveIt()
    {
        var prompt = GenerationStreams.UniquePrompt("cached by the request");
        JsonObject Input(double temperature) => new() { ["prompt"] = prompt, ["provider"] = "stub", ["temperature"] = temperature, ["cache"] = true };

        await FinishAsync(Input(0));
        var replayed = await FinishAsync(Input(0));
        var warm = await FinishAsync(Input(0.7));

        Assert.True(replayed.At("usage.cached")!.GetValue<bool>());
        Assert.False(warm.At("usage.cached")!.GetValue<bool>());
        Assert.Equal(2, _server.Stub.Requests.Count(r => r.Messages.Any(m => m.Content == prompt)));
    }

    [Fact]
    public async Task JsonSchemaFormat_IsSentToTheProvider_AndTheMessageRecordsIt()
    {
        var prompt = GenerationStreams.UniquePrompt("structured");
        var input = new JsonObject
        {
            ["prompt"] = prompt,
            ["provider"] = "stub",
            ["responseFormat"] = new JsonObject
            {
                ["type"] = "JSON_SCHEMA",
                ["jsonSchema"] = new JsonObject { ["name"] = "person", ["schema"] = PersonSchema, ["strict"] = true },
            },
        };

        var finished = await FinishAsync(input);

        Assert.Equal("JSON_SCHEMA", finished.String("message.responseFormat"));
        var sent = _server.Stub.Requests.Single(r => r.Messages.Any(m => m.Content == prompt)).Json.GetProperty("response_format");
        Assert.Equal("json_schema", sent.GetProperty("type").GetString());
        Assert.Equal("person", sent.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(PersonSchema).RootElement, sent.GetProperty("json_schema").GetProperty("schema")));
    }

    [Theory]
    [InlineData("echo", """{ "type": "JSON_OBJECT" }""", "RESPONSE_FORMAT_UNSUPPORTED")]
    [InlineData("stub", """{ "type": "JSON_SCHEMA", "jsonSchema": { "name": "person", "schema": "{ not json" } }""", "INVALID_RESPONSE_FORMAT")]
    [InlineData("stub", """{ "type": "JSON_SCHEMA" }""", "INVALID_RESPONSE_FORMAT")]
    public async Task FormatThatCannotBeHonoured_IsAUserError_AndChangesNothing(string provider, string format, string code)
    {
        var before = await _server.CountRowsAsync();
        var requests = _server.Stub.Requests.Count;
        var input = new JsonObject { ["prompt"] = GenerationStreams.UniquePrompt("refused"), ["provider"] = provider, ["responseFormat"] = JsonNode.Parse(format) };

        var result = (await _server.PostGraphQLAsync(GenerationApi.Start, new JsonObject { ["input"] = input })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.startGeneration.generation"));
        var error = result.At("data.startGeneration.userErrors")!.AsArray()[0]!;
        Assert.Equal(code, error.String("code"));
        Assert.Equal(["input", "responseFormat"], error["field"].Path());
        Assert.Equal(before, await _server.CountRowsAsync());
        Assert.Equal(requests, _server.Stub.Requests.Count);
    }

    private async Task<JsonNode> FinishAsync(JsonObject input)
    {
        var generation = await _server.StartGenerationAsync(input);
        await _server.WaitUntilFinishedAsync(generation.String("id")!);
        var finished = (await _server.PostGraphQLAsync(Finished, new { id = generation.String("id") })).ShouldHaveNoErrors().At("data.generation")!;
        Assert.Equal("COMPLETED", finished.String("status"));
        return finished;
    }
}

public sealed class ResponseCacheAndFormatOnSqliteTests(SqliteStubProviderServer server)
    : ResponseCacheAndFormatTests(server), IClassFixture<SqliteStubProviderServer>;

public sealed class ResponseCacheAndFormatOnPostgresTests(PostgresStubProviderServer server)
    : ResponseCacheAndFormatTests(server), IClassFixture<PostgresStubProviderServer>;
