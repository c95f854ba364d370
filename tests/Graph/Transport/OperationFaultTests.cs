using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Types;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Telemetry;
using LlmPlatform.Graph.Tests.Transport.Multipart;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests.Transport;

/// <summary>
/// An operation that throws while it starts (here: the engine itself throws, outside GraphQL.NET's own error handling)
/// still ends, on every streaming transport, with the protocol's error message, and is logged; on a WebSocket its id is
/// free again at once.
/// </summary>
public sealed class OperationFaultTests : IAsyncLifetime
{
    private const string Query = "subscription { __typename }";
    private readonly ScopedLogs _logs = new();
    private TestInstances _servers = null!;

    private PlatformServer Server => _servers[0];

    public async Task InitializeAsync() =>
        _servers = await TestServers.Sqlite()
            .WithServices(services =>
            {
                services.AddSingleton<IDocumentExecuter<ISchema>, BrokenExecuter>();
                services.AddLogging(logging => logging.AddProvider(_logs));
            })
            .StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task GraphQLTransportWs_OperationThatThrows_EndsWithErrorAndFreesItsId()
    {
        await using var socket = await TestWebSocket.ConnectAsync(Server, "graphql-transport-ws");
        await socket.InitAsync();

        foreach (var _ in Enumerable.Range(0, 2)) // the same id twice: the first one's end freed it
        {
            await socket.SendOperationAsync("subscribe", "1", Query);
            var error = await socket.ReceiveAsync();
            Assert.Equal("error", error.String("type"));
            Assert.Equal("1", error.String("id"));
            Assert.Equal("INTERNAL_SERVER_ERROR", error.String("payload[0].extensions.code"));
            Assert.DoesNotContain(BrokenExecuter.Secret, error.ToJsonString(), StringComparison.Ordinal);
        }
        AssertLogged();
    }

    [Fact]
    public async Task LegacyGraphQLWs_OperationThatThrows_EndsWithErrorAndFreesItsId()
    {
        await using var socket = await TestWebSocket.ConnectAsync(Server, "graphql-ws");
        await socket.InitAsync();

        foreach (var _ in Enumerable.Range(0, 2))
        {
            await socket.SendOperationAsync("start", "1", Query);
            var error = await socket.ReceiveAsync();
            Assert.Equal("error", error.String("type"));
            Assert.Equal("1", error.String("id"));
            Assert.Equal("INTERNAL_SERVER_ERROR", error.String("payload.extensions.code"));
        }
        AssertLogged();
    }

    [Fact]
    public async Task Sse_OperationThatThrows_SendsTheErrorThenComplete()
    {
        await using var stream = await SseStream.PostOperationAsync(Server, Query);

        var results = await stream.ReadToCompleteAsync();
        Assert.Equal(["INTERNAL_SERVER_ERROR"], results.Single().ErrorCodes());
        AssertLogged();
    }

    [Fact]
    public async Task Multipart_OperationThatThrows_SendsTheErrorThenTheClosingDelimiter()
    {
        using var response = await MultipartRequests.PostAsync(Server, Query);

        var parts = MultipartRequests.Parts(await response.Content.ReadAsStringAsync());
        Assert.Equal("INTERNAL_SERVER_ERROR", parts[^1].String("errors[0].extensions.code"));
        AssertLogged();
    }

    private void AssertLogged() =>
        Assert.Contains(_logs.Entries, e => e.EventId == 1010 && e.Level == LogLevel.Error);

    private sealed class BrokenExecuter : IDocumentExecuter<ISchema>
    {
        public const string Secret = "the engine broke";

        public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options) => throw new InvalidOperationException(Secret);
    }
}
