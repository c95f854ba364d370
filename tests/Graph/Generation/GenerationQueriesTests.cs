using System.Buffers.Text;
using System.Text;
using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>generation(id) and node(id) for generations: running ones from the event stream, finished ones from the database.</summary>
public abstract class GenerationQueriesTests
{
    private readonly StubProviderServer _server;

    protected GenerationQueriesTests(StubProviderServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    [Fact]
    public async Task Generation_Running_ReadsRunningWithItsConversationAndNoMessageOrUsageYet()
    {
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: 1));
        var started = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name, model: StubProvider.SmallModel));
        var id = started.String("id")!;
        await _server.Stub.WaitForRequestAsync();

        var generation = await _server.QueryGenerationAsync(id);

        Assert.NotNull(generation);
        Assert.Equal((id, "RUNNING", StubProvider.Name, StubProvider.SmallModel),
            (generation.String("id"), generation.String("status"), generation.String("provider"), generation.String("model")));
        Assert.Equal(started.String("conversation.id"), generation.String("conversation.id"));
        Assert.Null(generation["message"]);
        Assert.Null(generation["usage"]);
        await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id });
        await _server.WaitUntilFinishedAsync(id);
    }

    [Fact]
    public async Task Generation_Completed_ReadsTheStoredMessageAndTheProvidersUsagePricedByTheModel()
    {
        _server.Stub.PromptTokens = 1234;
        _server.Stub.CompletionTokens = 567;
        var prompt = GenerationStreams.UniquePrompt();
        var id = (await _server.StartGenerationAsync(GenerationApi.Input(prompt, provider: StubProvider.Name))).String("id")!;

        var generation = await _server.WaitUntilFinishedAsync(id);

        Assert.Equal(("COMPLETED", StubProvider.Name, StubProvider.Model), (generation.String("status"), generation.String("provider"), generation.String("model")));
        Assert.Equal(("ASSISTANT", StubProvider.DefaultReply, "STOP", id), (
            generation.String("message.role"), generation.String("message.content"), generation.String("message.finishReason"), generation.String("message.generationId")));
        Assert.Equal((1234, 567, 1801), (generation.Int("usage.promptTokens"), generation.Int("usage.completionTokens"), generation.Int("usage.totalTokens")));
        Assert.False(generation.At("usage.estimated")!.GetValue<bool>());
        Assert.True(generation.Int("usage.latencyMs") >= generation.Int("usage.timeToFirstTokenMs"));
        var expectedCost = (1234 * StubProvider.InputCostPerMillion + 567 * StubProvider.OutputCostPerMillion) / 1_000_000m;
        Assert.Equal((double)expectedCost, generation.At("usage.cost")!.GetValue<double>(), precision: 9);
        var conversation = (await _server.PostGraphQLAsync(
            "query($id: ID!) { conversation(id: $id) { messages(last: 1) { nodes { id } } } }", new { id = generation.String("conversation.id") }))
            .ShouldHaveNoErrors();
        Assert.Equal(conversation.String("data.conversation.messages.nodes[0].id"), generation.String("message.id"));
    }

    [Fact]
    public async Task Generation_ProviderDroppedMidReply_ReadsFailedWithThePartialMessage()
    {
        _server.Stub.Enqueue(StubFault.DropAfter(afterTokens: 2));
        var id = (await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: StubProvider.Name))).String("id")!;

        var generation = await _server.WaitUntilFinishedAsync(id);

        Assert.Equal("FAILED", generation.String("status"));
        Assert.Equal(("Hello,", "ERROR"), (generation.String("message.content"), generation.String("message.finishReason")));
        Assert.True(generation.At("usage.estimated")!.GetValue<bool>());
    }

    [Fact]
    public async Task Generation_SomeoneElses_ReturnsNullWhileRunningAndAfter()
    {
        var other = await _server.AddOtherUserAsync();
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: 1));
        var id = await _server.StartForAsync(other, GenerationStreams.UniquePrompt("not yours"), StubProvider.Name);
        await _server.Stub.WaitForRequestAsync();

        var whileRunning = await _server.QueryGenerationAsync(id);
        await _server.CancelForAsync(other, id);
        var afterwards = await _server.QueryGenerationAsync(id);

        Assert.Null(whileRunning);
        Assert.Null(afterwards);
        Assert.Null((await _server.PostGraphQLAsync("query($id: ID!) { node(id: $id) { id } }", new { id })).ShouldHaveNoErrors().At("data.node"));
    }

    [Theory]
    [InlineData("an unknown generation")]
    [InlineData("a persona's id")]
    [InlineData("no global id at all")]
    public async Task Generation_IdOfNoGeneration_ReturnsNull(string what)
    {
        var id = what switch
        {
            "an unknown generation" => GenerationApi.IdOf(Guid.NewGuid()),
            "a persona's id" => ConversationSeeding.PersonaId(LlmPlatform.Data.Seeding.BuiltInPersonas.HelpfulAssistantId),
            _ => "not-an-id",
        };

        Assert.Null(await _server.QueryGenerationAsync(id));
    }

    [Fact]
    public async Task Node_GenerationId_ReturnsTheGenerationAsAGeneration()
    {
        var id = (await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 2))).String("id")!;
        await _server.WaitUntilFinishedAsync(id);

        var result = (await _server.PostGraphQLAsync(
            "query($id: ID!) { node(id: $id) { __typename id ... on Generation { status model message { content } } } }", new { id })).ShouldHaveNoErrors();

        Assert.Equal(("Generation", id, "COMPLETED", "echo-1"), (
            result.String("data.node.__typename"), result.String("data.node.id"), result.String("data.node.status"), result.String("data.node.model")));
        Assert.StartsWith("Echo:", result.String("data.node.message.content"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_GenerationIdSpeltOtherwise_ReturnsNullLikeGeneration()
    {
        // The same generation's key in upper-case hex: not an id the server issued. An object whose `id` differs from
        // the id asked for would sit in a client's cache twice.
        var id = (await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: "echo", maxTokens: 2))).String("id")!;
        await _server.WaitUntilFinishedAsync(id);
        var key = GenerationStreams.DecodeGenerationId(id).ToString("N").ToUpperInvariant();
        var otherSpelling = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("Generation:" + key));

        var result = (await _server.PostGraphQLAsync(
            "query($id: ID!) { node(id: $id) { id } generation(id: $id) { id } }", new { id = otherSpelling })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.generation"));
        Assert.Null(result.At("data.node"));
    }
}

public sealed class GenerationQueriesOnSqliteTests(SqliteStubProviderServer server)
    : GenerationQueriesTests(server), IClassFixture<SqliteStubProviderServer>;

public sealed class GenerationQueriesOnPostgresTests(PostgresStubProviderServer server)
    : GenerationQueriesTests(server), IClassFixture<PostgresStubProviderServer>;
