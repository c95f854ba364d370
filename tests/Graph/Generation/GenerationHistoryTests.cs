using LlmPlatform.Graph.Tests.Conversations;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>What the provider is sent when a conversation continues: its history, trimmed to the model's context window.</summary>
public abstract class GenerationHistoryTests
{
    private const int Turns = 40;

    private readonly StubProviderServer _server;

    protected GenerationHistoryTests(StubProviderServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    [Fact]
    public async Task StartGeneration_LongConversationOnASmallModel_SendsTheNewestTurnsAndDropsTheOldest()
    {
        var (conversationId, turns) = await AddLongConversationAsync("Trimmed");

        var sent = await SendAsync(conversationId, StubProvider.SmallModel);

        Assert.InRange(sent.Count, 1, Turns - 1);
        Assert.Equal(turns.Skip(turns.Count - sent.Count), sent);
        Assert.DoesNotContain(turns[0], sent);
        Assert.Contains(turns[^1], sent);
    }

    [Fact]
    public async Task StartGeneration_LongConversationOnAModelWithRoom_SendsEveryTurnInOrder()
    {
        var (conversationId, turns) = await AddLongConversationAsync("Whole");

        var sent = await SendAsync(conversationId, StubProvider.Model);

        Assert.Equal(turns, sent);
    }

    /// <summary>
    /// A conversation of <see cref="Turns"/> messages, user and assistant in turn, which together hold far more tokens
    /// than the small model's window; returns its global id and its turns as the provider would be sent them.
    /// </summary>
    private async Task<(string Id, IReadOnlyList<(string Role, string Content)> Turns)> AddLongConversationAsync(string title)
    {
        var id = (await _server.AddConversationsAsync(title + " " + Guid.NewGuid().ToString("N")[..6], 1, messagesEach: Turns))[0];
        var turns = await _server.ReadAsync(db => Task.FromResult(db.Messages.Where(m => m.ConversationId == id).OrderBy(m => m.Id)
            .AsEnumerable().Select(m => (m.Role.ToString().ToLowerInvariant(), m.Content)).ToList()));
        Assert.Equal(Turns, turns.Count);
        return (ConversationSeeding.ConversationId(id), turns);
    }

    /// <summary>Continues the conversation on the stub and returns the turns the stub received between the system prompt and the new prompt.</summary>
    private async Task<IReadOnlyList<(string Role, string Content)>> SendAsync(string conversationId, string model)
    {
        var prompt = GenerationStreams.UniquePrompt("and now?");
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(prompt, provider: StubProvider.Name, model: model, conversationId: conversationId));
        await _server.WaitUntilFinishedAsync(generation.String("id")!);

        var messages = Assert.Single(_server.Stub.Requests).Messages;
        Assert.Equal("system", messages[0].Role);
        Assert.Equal(("user", prompt), messages[^1]);
        return [.. messages.Skip(1).SkipLast(1)];
    }
}

public sealed class GenerationHistoryOnSqliteTests(SqliteStubProviderServer server)
    : GenerationHistoryTests(server), IClassFixture<SqliteStubProviderServer>;

public sealed class GenerationHistoryOnPostgresTests(PostgresStubProviderServer server)
    : GenerationHistoryTests(server), IClassFixture<PostgresStubProviderServer>;
