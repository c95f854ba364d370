using System.Text.Json;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Tests.Providers;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>An openai-compatible provider with a second model configured to answer in text only.</summary>
public sealed class ResponseFormatHost : OpenAICompatibleHost
{
    public const string TextOnlyModel = "text-only";

    public override TimeSpan IdleTimeout => TimeSpan.FromSeconds(15);

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:DefaultModel", Model),
        new($"Llm:Providers:{Provider}:Models:{TextOnlyModel}:ContextWindow", "8192"),
        new($"Llm:Providers:{Provider}:Models:{TextOnlyModel}:MaxOutputTokens", "1024"),
        new($"Llm:Providers:{Provider}:Models:{TextOnlyModel}:ResponseFormats:0", "Text"),
    ];
}

public sealed class ResponseFormatTests(ResponseFormatHost host) : IClassFixture<ResponseFormatHost>
{
    private const string PersonSchema = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    [Fact]
    public async Task JsonSchema_ReachesTheProviderAsOpenAIsResponseFormat_AndTheStoredMessageRecordsIt()
    {
        var prompt = Unique("who are you?");

        var events = await GenerateAsync(prompt, new ResponseFormat(ResponseFormatKind.JsonSchema, "person", PersonSchema, Strict: true));

        var sent = host.Stub.Requests.Single(r => r.Messages.Any(m => m.Content == prompt)).Json.GetProperty("response_format");
        Assert.Equal("json_schema", sent.GetProperty("type").GetString());
        var schema = sent.GetProperty("json_schema");
        Assert.Equal("person", schema.GetProperty("name").GetString());
        Assert.True(schema.GetProperty("strict").GetBoolean());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(PersonSchema).RootElement, schema.GetProperty("schema")));
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        var stored = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal(ResponseFormatKind.JsonSchema, stored.ResponseFormat);
    }

    [Fact]
    public async Task JsonObject_ReachesTheProviderAsJsonObject()
    {
        var prompt = Unique("give me json");

        await GenerateAsync(prompt, new ResponseFormat(ResponseFormatKind.JsonObject));

        var sent = host.Stub.Requests.Single(r => r.Messages.Any(m => m.Content == prompt)).Json.GetProperty("response_format");
        Assert.Equal("json_object", sent.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Text_SendsNoResponseFormat_AndIsStoredAsText()
    {
        var prompt = Unique("plain please");

        var events = await GenerateAsync(prompt, null);

        var sent = host.Stub.Requests.Single(r => r.Messages.Any(m => m.Content == prompt));
        Assert.False(sent.Json.TryGetProperty("response_format", out _), sent.Body);
        var messageId = Assert.IsType<GenerationCompleted>(events[^1]).MessageId;
        var stored = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == messageId));
        Assert.Equal(ResponseFormatKind.Text, stored.ResponseFormat);
    }

    public static TheoryData<string?, string?, ResponseFormatKind, string> Refusals => new()
    {
        // echo writes words, never JSON: it refuses rather than pretend.
        { "echo", null, ResponseFormatKind.JsonObject, GenerationErrorCodes.ResponseFormatUnsupported },
        // a model configured for text only.
        { null, ResponseFormatHost.TextOnlyModel, ResponseFormatKind.JsonSchema, GenerationErrorCodes.ResponseFormatUnsupported },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ProviderOrModelThatCannot_IsRefusedBeforeTheCall_AndNothingIsWritten(string? provider, string? model, ResponseFormatKind kind, string code)
    {
        var format = kind == ResponseFormatKind.JsonSchema ? new ResponseFormat(kind, "person", PersonSchema) : new ResponseFormat(kind);
        var prompt = Unique("refuse me");

        var errors = await RefusedAsync(new GenerationRequest(null, null, prompt, provider ?? host.Provider, model, null, null, ResponseFormat: format));

        Assert.Equal([(code, "responseFormat")], errors.Select(e => (e.Code, e.Field)));
    }

    public static TheoryData<string?, string?, string> BadSchemas => new()
    {
        { "person", "not json", GenerationErrorCodes.InvalidResponseFormat },
        { "person", "[1, 2]", GenerationErrorCodes.InvalidResponseFormat },
        { "has spaces", PersonSchema, GenerationErrorCodes.InvalidResponseFormat },
        { null, null, GenerationErrorCodes.InvalidResponseFormat },
        { "person", "{\"description\":\"" + new string('x', 20_000) + "\"}", GenerationErrorCodes.TooLong },
    };

    [Theory]
    [MemberData(nameof(BadSchemas))]
    public async Task BadSchema_IsRefusedWithATypedError_AndNothingIsWritten(string? name, string? schema, string code)
    {
        var errors = await RefusedAsync(new GenerationRequest(null, null, Unique("bad schema"), host.Provider, null, null, null,
            ResponseFormat: new ResponseFormat(ResponseFormatKind.JsonSchema, name, schema)));

        Assert.Contains(errors, e => e.Code == code && e.Field == "responseFormat");
    }

    [Fact]
    public async Task SchemaWithAFormatOtherThanJsonSchema_IsRefused()
    {
        var errors = await RefusedAsync(new GenerationRequest(null, null, Unique("schema on text"), host.Provider, null, null, null,
            ResponseFormat: new ResponseFormat(ResponseFormatKind.Text, "person", PersonSchema)));

        Assert.Equal([GenerationErrorCodes.InvalidResponseFormat], errors.Select(e => e.Code));
    }

    private async Task<IReadOnlyList<GenerationError>> RefusedAsync(GenerationRequest request)
    {
        var messages = await host.ReadAsync(db => db.Messages.CountAsync());
        var calls = host.Stub.Requests.Count;

        var start = await host.Get<GenerationService>().StartAsync(request, LocalUser.Id, LlmHost.RateLimitKey, default);

        Assert.Null(start.Started);
        Assert.Equal(messages, await host.ReadAsync(db => db.Messages.CountAsync()));
        Assert.Equal(calls, host.Stub.Requests.Count);
        return start.Errors;
    }

    private async Task<List<GenerationEvent>> GenerateAsync(string prompt, ResponseFormat? format)
    {
        var start = await host.Get<GenerationService>().StartAsync(
            new GenerationRequest(null, null, prompt, host.Provider, host.Model, null, null, ResponseFormat: format), LocalUser.Id, LlmHost.RateLimitKey, default);
        Assert.Empty(start.Errors);
        return await host.WatchAllAsync(start.Started!.GenerationId);
    }

    private static string Unique(string prompt) => $"{prompt} ({Guid.NewGuid():N})";
}
