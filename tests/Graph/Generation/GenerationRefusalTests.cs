using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// Bad input is a typed error before any provider is called, and nothing is written: user errors from
/// startGeneration, a GraphQL error with the same code and field from the generate subscription.
/// </summary>
public abstract class GenerationRefusalTests
{
    private readonly StubProviderServer _server;

    protected GenerationRefusalTests(StubProviderServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    /// <summary>Each bad input, the code it is refused with, and the input field at fault.</summary>
    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "empty prompt", "REQUIRED", "prompt" },
        { "whitespace prompt", "REQUIRED", "prompt" },
        { "prompt over the length limit", "TOO_LONG", "prompt" },
        { "prompt too long for the model's context window", "TOO_LONG", "prompt" },
        { "unknown persona", "NOT_FOUND", "personaId" },
        { "conversation id as persona id", "NOT_FOUND", "personaId" },
        { "someone else's persona", "NOT_FOUND", "personaId" },
        { "unknown provider", "UNKNOWN_PROVIDER", "provider" },
        { "provider without a key", "PROVIDER_UNAVAILABLE", "provider" },
        { "unknown model", "UNKNOWN_MODEL", "model" },
        { "temperature below 0", "OUT_OF_RANGE", "temperature" },
        { "temperature above 2", "OUT_OF_RANGE", "temperature" },
        { "maxTokens 0", "OUT_OF_RANGE", "maxTokens" },
        { "maxTokens above the model's most", "OUT_OF_RANGE", "maxTokens" },
        { "topP 0", "OUT_OF_RANGE", "topP" },
        { "topP below 0", "OUT_OF_RANGE", "topP" },
        { "topP above 1", "OUT_OF_RANGE", "topP" },
        { "conversation without room for the prompt and the reply", "CONVERSATION_FULL", "conversationId" },
        { "unknown conversation", "NOT_FOUND", "conversationId" },
        { "persona id as conversation id", "NOT_FOUND", "conversationId" },
        { "someone else's conversation", "NOT_FOUND", "conversationId" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task StartGeneration_BadInput_ReturnsTypedUserErrorAndWritesNothing(string badInput, string code, string field)
    {
        var input = await InputWithAsync(badInput);
        var before = await _server.CountRowsAsync();

        var result = (await _server.PostGraphQLAsync(GenerationApi.Start, new JsonObject { ["input"] = input })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.startGeneration.generation"));
        var error = Assert.Single(result.At("data.startGeneration.userErrors")!.AsArray())!;
        Assert.Equal(code, error.String("code"));
        Assert.Equal(["input", field], error["field"].Path());
        Assert.False(string.IsNullOrWhiteSpace(error.String("message")));
        await AssertNothingHappenedAsync(before);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Generate_BadInput_IsAGraphQLErrorWithCodeAndFieldAndWritesNothing(string badInput, string code, string field)
    {
        var input = await InputWithAsync(badInput);
        var before = await _server.CountRowsAsync();

        await using var stream = await SseStream.PostOperationAsync(_server, GenerationStreams.Generate, new JsonObject { ["input"] = input });

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Null(result["data"]?["generate"]);
        var error = Assert.Single(result["errors"]!.AsArray())!;
        Assert.Equal(code, error.String("extensions.code"));
        Assert.Equal(["input", field], error["extensions"]!["field"].Path());
        Assert.False(string.IsNullOrWhiteSpace(error.String("message")));
        await AssertNothingHappenedAsync(before);
    }

    /// <summary>Inputs GraphQL itself refuses: unknown fields, wrong types, a missing required field.</summary>
    public static TheoryData<string, string> MisshapenInputs => new()
    {
        { "an unknown field", """{ "prompt": "hi", "topK": 5 }""" },
        { "topP as a string", """{ "prompt": "hi", "topP": "high" }""" },
        { "maxTokens as a fraction", """{ "prompt": "hi", "maxTokens": 1.5 }""" },
        { "prompt as a number", """{ "prompt": 42 }""" },
        { "no prompt", """{ "temperature": 1 }""" },
    };

    [Theory]
    [MemberData(nameof(MisshapenInputs))]
    public async Task StartGeneration_MisshapenInput_RefusedByGraphQLAndWritesNothing(string what, string input)
    {
        Assert.NotEmpty(what);
        var before = await _server.CountRowsAsync();

        var result = await _server.PostGraphQLAsync(GenerationApi.Start, new JsonObject { ["input"] = JsonNode.Parse(input) });

        Assert.Equal(["INVALID_VALUE"], result.ErrorCodes().Distinct());
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
        await AssertNothingHappenedAsync(before);
    }

    [Theory]
    [MemberData(nameof(MisshapenInputs))]
    public async Task Generate_MisshapenInput_RefusedByGraphQLAndWritesNothing(string what, string input)
    {
        Assert.NotEmpty(what);
        var before = await _server.CountRowsAsync();

        await using var stream = await SseStream.PostOperationAsync(_server, GenerationStreams.Generate, new JsonObject { ["input"] = JsonNode.Parse(input) });

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal(["INVALID_VALUE"], result.ErrorCodes().Distinct());
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
        await AssertNothingHappenedAsync(before);
    }

    [Theory]
    [InlineData("an unknown generation")]
    [InlineData("a persona's id")]
    [InlineData("no global id at all")]
    public async Task GenerationSubscription_IdOfNoGeneration_IsANotFoundError(string what)
    {
        var id = what switch
        {
            "an unknown generation" => GenerationApi.IdOf(Guid.NewGuid()),
            "a persona's id" => ConversationSeeding.PersonaId(LlmPlatform.Data.Seeding.BuiltInPersonas.HelpfulAssistantId),
            _ => "not-an-id",
        };

        await using var stream = await SseStream.PostOperationAsync(_server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id));

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal(["NOT_FOUND"], result.ErrorCodes());
    }

    [Fact]
    public async Task GenerationSubscription_AfterBelowMinusOne_IsAnOutOfRangeError()
    {
        var id = (await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 2))).String("id")!;
        await _server.WaitUntilFinishedAsync(id);

        await using var stream = await SseStream.PostOperationAsync(_server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id, after: -2));

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal(["OUT_OF_RANGE"], result.ErrorCodes());
    }

    [Fact]
    public async Task GenerationSubscription_SomeoneElsesRunningGeneration_IsANotFoundError()
    {
        var other = await _server.AddOtherUserAsync();
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: 1));
        var id = await _server.StartForAsync(other, GenerationStreams.UniquePrompt("not yours"), StubProvider.Name);

        List<JsonObject> results;
        await using (var stream = await SseStream.PostOperationAsync(_server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id)))
            results = await stream.ReadToCompleteAsync();

        await _server.CancelForAsync(other, id);
        Assert.Equal(["NOT_FOUND"], Assert.Single(results).ErrorCodes());
    }

    private async Task AssertNothingHappenedAsync(RowCounts before)
    {
        Assert.Equal(before, await _server.CountRowsAsync());
        Assert.Empty(_server.Stub.Requests);
    }

    /// <summary>A valid input for the stub provider, but for <paramref name="badInput"/>.</summary>
    private async Task<JsonObject> InputWithAsync(string badInput)
    {
        var input = GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name, model: StubProvider.Model);
        switch (badInput)
        {
            case "empty prompt":
                input["prompt"] = "";
                break;
            case "whitespace prompt":
                input["prompt"] = " \n\t  ";
                break;
            case "prompt over the length limit":
                input["prompt"] = new string('a', StubProvider.MaxPromptLength + 1);
                break;
            case "prompt too long for the model's context window":
                // Within the length limit, but some 700 tokens against a window of 512.
                input["prompt"] = string.Concat(Enumerable.Repeat("word ", 700));
                input["model"] = StubProvider.SmallModel;
                break;
            case "unknown persona":
                input["personaId"] = ConversationSeeding.PersonaId(Guid.NewGuid());
                break;
            case "conversation id as persona id":
                input["personaId"] = ConversationSeeding.ConversationId((await _server.AddConversationsAsync("Mine", 1))[0]);
                break;
            case "someone else's persona":
                input["personaId"] = ConversationSeeding.PersonaId(await _server.AddPersonaAsync(await _server.AddOtherUserAsync(), "Theirs"));
                break;
            case "unknown provider":
                input["provider"] = "no-such-provider";
                input.Remove("model");
                break;
            case "provider without a key":
                input["provider"] = StubProvider.Keyless;
                input["model"] = StubProvider.KeylessModel;
                break;
            case "unknown model":
                input["model"] = "gpt-no-such-model";
                break;
            case "temperature below 0":
                input["temperature"] = -0.1;
                break;
            case "temperature above 2":
                input["temperature"] = 2.01;
                break;
            case "maxTokens 0":
                input["maxTokens"] = 0;
                break;
            case "maxTokens above the model's most":
                input["maxTokens"] = StubProvider.ModelMaxOutputTokens + 1;
                break;
            case "topP 0":
                input["topP"] = 0;
                break;
            case "topP below 0":
                input["topP"] = -0.5;
                break;
            case "topP above 1":
                input["topP"] = 1.01;
                break;
            case "conversation without room for the prompt and the reply":
                input["conversationId"] = ConversationSeeding.ConversationId(
                    (await _server.AddConversationsAsync("Full", 1, messagesEach: StubProvider.MaxMessagesPerConversation - 1))[0]);
                break;
            case "unknown conversation":
                input["conversationId"] = ConversationSeeding.ConversationId(Guid.NewGuid());
                break;
            case "persona id as conversation id":
                input["conversationId"] = ConversationSeeding.PersonaId(LlmPlatform.Data.Seeding.BuiltInPersonas.HelpfulAssistantId);
                break;
            case "someone else's conversation":
                var other = await _server.AddOtherUserAsync();
                input["conversationId"] = ConversationSeeding.ConversationId((await _server.AddConversationsAsync("Theirs", 1, messagesEach: 2, ownerId: other))[0]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(badInput), badInput, "No such bad input.");
        }
        return input;
    }
}

public sealed class GenerationRefusalOnSqliteTests(SqliteStubProviderServer server)
    : GenerationRefusalTests(server), IClassFixture<SqliteStubProviderServer>;

public sealed class GenerationRefusalOnPostgresTests(PostgresStubProviderServer server)
    : GenerationRefusalTests(server), IClassFixture<PostgresStubProviderServer>;
