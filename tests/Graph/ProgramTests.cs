using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests;

/// <summary>The server as Program.cs builds it: a limit set out of its range stops it at start-up, naming the setting.</summary>
public sealed class ProgramTests
{
    private sealed class OneSettingServer : ConfiguredSqliteServer
    {
        public OneSettingServer(string key, string value) => Set(key, value);
    }

    [Theory]
    [InlineData("GraphQL:MaxDocumentLength", "0")]
    [InlineData("GraphQL:MaxNestingDepth", "0")]
    [InlineData("GraphQL:MaxNestingDepth", "100000")]
    [InlineData("GraphQL:MaxDocumentNodes", "0")]
    [InlineData("GraphQL:MaxMergedFieldPairs", "-1")]
    [InlineData("GraphQL:MaxNodesPerRequest", "0")]
    [InlineData("GraphQL:Filtering:MaxConditions", "0")]
    [InlineData("GraphQL:Filtering:MaxListValues", "0")]
    [InlineData("GraphQL:Filtering:MaxSortFields", "0")]
    [InlineData("Transport:Batching:MaxBatchSize", "0")]
    [InlineData("Transport:Sse:MaxStreamsPerCaller", "0")]
    [InlineData("Transport:Sse:MaxStreams", "0")]
    [InlineData("Transport:Sse:ReservationTimeout", "00:00:00")]
    [InlineData("Personas:MaxSystemPromptLength", "20001")]
    [InlineData("Llm:Generation:MaxMessagesPerConversation", "1")]
    public async Task Start_LimitOutOfRange_FailsNamingTheSetting(string key, string value)
    {
        var server = new OneSettingServer(key, value);
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

            var messages = string.Join(" | ", Messages(failure));
            Assert.Contains(key[(key.LastIndexOf(':') + 1)..], messages, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static IEnumerable<string> Messages(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            yield return e.Message;
    }
}
