using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>startGeneration and cancelGeneration through the real endpoint, and what they leave in the database.</summary>
public abstract class GenerationMutationsTests
{
    private readonly StubProviderServer _server;

    protected GenerationMutationsTests(StubProviderServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    [Fact]
    public async Task StartGeneration_NoConversation_ReturnsARunningGenerationInANewConversationTitledFromThePrompt()
    {
        var before = await _server.CountRowsAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];

        var generation = await _server.StartGenerationAsync(GenerationApi.Input($"  Why is the sky blue {marker}?\nAsk a physicist.  ", provider: "echo", maxTokens: 3));

        Assert.Equal("RUNNING", generation.String("status"));
        Assert.Equal("echo", generation.String("provider"));
        Assert.Equal("echo-1", generation.String("model"));
        Assert.Null(generation["message"]);
        Assert.Null(generation["usage"]);
        Assert.Equal($"Why is the sky blue {marker}? Ask a physicist.", generation.String("conversation.title"));
        var finished = await _server.WaitUntilFinishedAsync(generation.String("id")!);
        Assert.Equal(generation.String("conversation.id"), finished.String("conversation.id"));
        Assert.Equal(before with { Conversations = before.Conversations + 1, Messages = before.Messages + 2, UsageEvents = before.UsageEvents + 1 },
            await _server.CountRowsAsync());
    }

    [Fact]
    public async Task StartGeneration_TopP_ReachesTheProvidersRequest()
    {
        var input = GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name);
        input["topP"] = 0.25;

        var generation = await _server.StartGenerationAsync(input);
        await _server.WaitUntilFinishedAsync(generation.String("id")!);

        Assert.Equal(0.25, Assert.Single(_server.Stub.Requests).Json.GetProperty("top_p").GetDouble());
    }

    [Fact]
    public async Task StartGeneration_NoTopP_LeavesItToTheProvider()
    {
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name));
        await _server.WaitUntilFinishedAsync(generation.String("id")!);

        Assert.False(Assert.Single(_server.Stub.Requests).Json.TryGetProperty("top_p", out _));
    }

    [Fact]
    public async Task StartGeneration_ConversationWithRoomForExactlyTheTwoNewMessages_FillsIt()
    {
        var id = (await _server.AddConversationsAsync("Nearly full", 1, messagesEach: StubProvider.MaxMessagesPerConversation - 2))[0];
        var conversationId = ConversationSeeding.ConversationId(id);

        var generation = await _server.StartGenerationAsync(GenerationApi.Input("One more?", provider: "echo", maxTokens: 1, conversationId: conversationId));
        await _server.WaitUntilFinishedAsync(generation.String("id")!);

        var count = await _server.ReadAsync(db => Task.FromResult(db.Messages.Count(m => m.ConversationId == id)));
        Assert.Equal(StubProvider.MaxMessagesPerConversation, count);
        var full = (await _server.PostGraphQLAsync(GenerationApi.Start, new JsonObject
        {
            ["input"] = GenerationApi.Input("And another?", provider: "echo", conversationId: conversationId),
        })).ShouldHaveNoErrors();
        Assert.Equal("CONVERSATION_FULL", full.String("data.startGeneration.userErrors[0].code"));
    }

    [Fact]
    public async Task StartGeneration_LongPrompt_TitlesTheConversationWithItsStartAndAnEllipsis()
    {
        var prompt = "Please summarise the following meeting notes for the whole team: " + new string('x', 200);

        var generation = await _server.StartGenerationAsync(GenerationApi.Input(prompt, provider: "echo", maxTokens: 1));

        var title = generation.String("conversation.title")!;
        Assert.Equal(prompt[..59] + "…", title);
        await _server.WaitUntilFinishedAsync(generation.String("id")!);
    }

    [Fact]
    public async Task StartGeneration_ExistingConversation_ContinuesItWithItsPersonaAndHistory()
    {
        var persona = (await _server.PostGraphQLAsync("""
            mutation { createPersona(input: { name: "Terse", systemPrompt: "You answer in five words." }) { persona { id } } }
            """)).ShouldHaveNoErrors().String("data.createPersona.persona.id");
        var conversationId = (await _server.PostGraphQLAsync(
            "mutation($persona: ID!) { createConversation(input: { title: \"Kept title\", personaId: $persona }) { conversation { id } } }",
            new { persona })).ShouldHaveNoErrors().String("data.createConversation.conversation.id")!;
        var before = await _server.CountRowsAsync();

        var first = await _server.StartGenerationAsync(GenerationApi.Input("First question?", provider: StubProvider.Name, conversationId: conversationId));
        await _server.WaitUntilFinishedAsync(first.String("id")!);
        _server.Stub.Tokens = ["Second", " answer."];
        var second = await _server.StartGenerationAsync(GenerationApi.Input("Second question?", provider: StubProvider.Name, conversationId: conversationId));
        await _server.WaitUntilFinishedAsync(second.String("id")!);

        Assert.Equal((conversationId, "Kept title"), (first.String("conversation.id"), first.String("conversation.title")));
        Assert.Equal(conversationId, second.String("conversation.id"));
        Assert.Equal(before with { Messages = before.Messages + 4, UsageEvents = before.UsageEvents + 2 }, await _server.CountRowsAsync());
        Assert.Equal(
            [("system", "You answer in five words."), ("user", "First question?"), ("assistant", StubProvider.DefaultReply), ("user", "Second question?")],
            _server.Stub.Requests[1].Messages);
        var messages = (await _server.PostGraphQLAsync(
            "query($id: ID!) { conversation(id: $id) { messages(first: 10) { nodes { role content } } } }", new { id = conversationId }))
            .ShouldHaveNoErrors().At("data.conversation.messages.nodes")!.AsArray().Select(m => (m!.String("role"), m!.String("content")));
        Assert.Equal([("USER", "First question?"), ("ASSISTANT", StubProvider.DefaultReply), ("USER", "Second question?"), ("ASSISTANT", "Second answer.")], messages);
    }

    [Fact]
    public async Task CancelGeneration_Running_AbortsTheProviderCallAndStoresThePartialReplyAsCancelled()
    {
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: 2));
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name));
        var id = generation.String("id")!;
        await using var watcher = await _server.WatchUntilChunksAsync(id, chunks: 2);

        var result = (await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id })).ShouldHaveNoErrors();

        // The answer is the truth once the cancellation has landed, not a promise that it will.
        Assert.Empty(result.At("data.cancelGeneration.userErrors")!.AsArray());
        Assert.Equal((id, "CANCELLED"), (result.String("data.cancelGeneration.generation.id"), result.String("data.cancelGeneration.generation.status")));
        await (await _server.Stub.WaitForRequestAsync()).Aborted.WaitAsync(GenerationStreams.Wait);
        var finished = await _server.WaitUntilFinishedAsync(id);
        Assert.Equal("CANCELLED", finished.String("status"));
        Assert.Equal(("ASSISTANT", "Hello,", "CANCELLED", id), (
            finished.String("message.role"), finished.String("message.content"), finished.String("message.finishReason"), finished.String("message.generationId")));
        // The provider never reported usage for a reply it did not finish: the server counted it, and says so.
        Assert.True(finished.At("usage.estimated")!.GetValue<bool>());
        Assert.True(finished.Int("usage.promptTokens") > 0);
        Assert.True(finished.Int("usage.completionTokens") > 0);
        Assert.Equal(finished.Int("usage.promptTokens") + finished.Int("usage.completionTokens"), finished.Int("usage.totalTokens"));
    }

    [Fact]
    public async Task CancelGeneration_Finished_AnswersHowItEndedAndChangesNothing()
    {
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 2));
        var id = generation.String("id")!;
        await _server.WaitUntilFinishedAsync(id);

        var result = (await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.cancelGeneration.userErrors")!.AsArray());
        Assert.Equal((id, "COMPLETED"), (result.String("data.cancelGeneration.generation.id"), result.String("data.cancelGeneration.generation.status")));
        Assert.Equal("COMPLETED", (await _server.QueryGenerationAsync(id))!.String("status"));
    }

    [Theory]
    [InlineData("an unknown generation")]
    [InlineData("a conversation's id")]
    [InlineData("no global id at all")]
    public async Task CancelGeneration_IdOfNoGeneration_ReturnsNotFound(string what)
    {
        var id = what switch
        {
            "an unknown generation" => GenerationApi.IdOf(Guid.NewGuid()),
            "a conversation's id" => ConversationSeeding.ConversationId(Guid.NewGuid()),
            _ => "not-an-id",
        };

        var result = (await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id })).ShouldHaveNoErrors();

        AssertNotFound(result);
    }

    [Fact]
    public async Task CancelGeneration_SomeoneElsesRunningGeneration_ReturnsNotFoundAndLeavesItRunning()
    {
        var other = await _server.AddOtherUserAsync();
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: 1));
        var id = await _server.StartForAsync(other, GenerationStreams.UniquePrompt("not yours"), StubProvider.Name);
        var request = await _server.Stub.WaitForRequestAsync();

        var result = (await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id })).ShouldHaveNoErrors();

        AssertNotFound(result);
        // A cancel that went through would abort the provider call at once; give it the time it would take.
        Assert.NotSame(request.Aborted, await Task.WhenAny(request.Aborted, Task.Delay(TimeSpan.FromMilliseconds(500))));
        // Its owner can still cancel it: the wait above was long enough for a cancel to reach the provider.
        await _server.CancelForAsync(other, id);
        await request.Aborted.WaitAsync(GenerationStreams.Wait);
    }

    private static void AssertNotFound(JsonObject result)
    {
        Assert.Null(result.At("data.cancelGeneration.generation"));
        var error = Assert.Single(result.At("data.cancelGeneration.userErrors")!.AsArray())!;
        Assert.Equal("NOT_FOUND", error.String("code"));
        Assert.Equal(["input", "id"], error["field"].Path());
        Assert.False(string.IsNullOrWhiteSpace(error.String("message")));
    }
}

public sealed class GenerationMutationsOnSqliteTests(SqliteStubProviderServer server)
    : GenerationMutationsTests(server), IClassFixture<SqliteStubProviderServer>;

public sealed class GenerationMutationsOnPostgresTests(PostgresStubProviderServer server)
    : GenerationMutationsTests(server), IClassFixture<PostgresStubProviderServer>;
