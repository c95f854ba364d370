using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Schema.PersistedOperations;

/// <summary>Apollo's automatic persisted queries over GET, POST and SSE, kept in memory.</summary>
public sealed class AutomaticPersistedQueryTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Theory]
    [InlineData(GraphQLHttp.Json, HttpStatusCode.OK)]
    [InlineData(GraphQLHttp.GraphQLResponse, HttpStatusCode.BadRequest)]
    public async Task Post_UnknownHashWithoutQuery_PersistedQueryNotFound(string accept, HttpStatusCode status)
    {
        using var response = await PersistedQueries.PostAsync(server, PersistedQueries.Sha256(PersistedQueries.UniqueQuery()), accept: accept);

        var body = await response.ReadGraphQLAsync(status, accept);
        Assert.Equal(["PERSISTED_QUERY_NOT_FOUND"], body.ErrorCodes());
        Assert.Equal("PersistedQueryNotFound", body.String("errors[0].message"));
        Assert.False(body.ContainsKey("data"));
    }

    [Fact]
    public async Task Post_HashWithQuery_RunsAndRegistersIt_ThenTheHashAloneRunsIt()
    {
        var query = PersistedQueries.UniqueQuery();
        var hash = PersistedQueries.Sha256(query);

        using var first = await PersistedQueries.PostAsync(server, hash, query);
        using var second = await PersistedQueries.PostAsync(server, hash);

        var expected = (await first.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors().Int("data.personas.totalCount");
        Assert.Equal(expected, (await second.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors().Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Get_HashWithQuery_RunsAndRegistersIt_ThenTheHashAloneRunsIt()
    {
        var query = PersistedQueries.UniqueQuery();
        var hash = PersistedQueries.Sha256(query);

        using var first = await PersistedQueries.GetAsync(server, hash, query);
        using var second = await PersistedQueries.GetAsync(server, hash);

        (await first.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors();
        var body = await second.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json);
        Assert.True(body.ShouldHaveNoErrors().Int("data.personas.totalCount") >= 0);
    }

    [Theory]
    [InlineData(GraphQLHttp.Json)]
    [InlineData(GraphQLHttp.GraphQLResponse)]
    public async Task Post_QueryThatDoesNotHashToTheHash_Refused400AndNotRegistered(string accept)
    {
        var query = PersistedQueries.UniqueQuery();
        var otherHash = PersistedQueries.Sha256(PersistedQueries.UniqueQuery());

        using var refused = await PersistedQueries.PostAsync(server, otherHash, query, accept);
        using var after = await PersistedQueries.PostAsync(server, otherHash);

        var body = await refused.ReadGraphQLAsync(HttpStatusCode.BadRequest, accept);
        Assert.Equal(["PERSISTED_QUERY_HASH_MISMATCH"], body.ErrorCodes());
        Assert.False(body.ContainsKey("data"));
        Assert.Equal(["PERSISTED_QUERY_NOT_FOUND"], (await after.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ErrorCodes());
    }

    [Theory]
    [InlineData("""{ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": "%HASH%" } } }""")]
    [InlineData("""{ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "not-a-hash" } } }""")]
    [InlineData("""{ "extensions": { "persistedQuery": "%HASH%" } }""")]
    public async Task Post_MalformedExtension_Refused400(string body)
    {
        var hash = PersistedQueries.Sha256(PersistedQueries.UniqueQuery());

        using var response = await server.SendGraphQLAsync(HttpMethod.Post, body: body.Replace("%HASH%", hash, StringComparison.Ordinal));

        Assert.Equal(["PERSISTED_QUERY_INVALID"], (await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLHttp.Json)).ErrorCodes());
    }

    [Fact]
    public async Task Get_HashOfARegisteredMutation_Refused405AndWritesNothing()
    {
        var mutation = $$"""mutation { createPersona(input: { name: "Persisted {{Guid.NewGuid():N}}", systemPrompt: "Hi." }) { persona { id } } }""";
        var hash = PersistedQueries.Sha256(mutation);
        using var registered = await PersistedQueries.PostAsync(server, hash, mutation);
        (await registered.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors();
        var before = await server.CountAsync<Persona>();

        using var response = await PersistedQueries.GetAsync(server, hash);

        Assert.Equal(["HTTP_METHOD_NOT_ALLOWED"], (await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, GraphQLHttp.Json)).ErrorCodes());
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task Sse_HashOfARegisteredSubscription_Streams()
    {
        var subscription = GenerationStreams.Generate;
        var hash = PersistedQueries.Sha256(subscription);
        var variables = GenerationStreams.Input(GenerationStreams.UniquePrompt("persisted"), 3);
        var withQuery = new JsonObject { ["query"] = subscription, ["variables"] = variables.DeepClone(), ["extensions"] = PersistedQueries.Extensions(hash) };
        await using (var first = await SseStream.PostBodyAsync(server, withQuery.ToJsonString()))
            Assert.NotEmpty(await first.ReadToCompleteAsync());

        var hashOnly = new JsonObject { ["variables"] = variables.DeepClone(), ["extensions"] = PersistedQueries.Extensions(hash) };
        await using var second = await SseStream.PostBodyAsync(server, hashOnly.ToJsonString());

        var events = await second.ReadToCompleteAsync();
        Assert.Equal("GenerationCompleted", events[^1].String("data.generate.__typename"));
    }

    [Fact]
    public async Task WebSocket_UnknownHashThenWithItsQueryThenHashAlone_NotFoundThenRuns()
    {
        var query = PersistedQueries.UniqueQuery();
        var hash = PersistedQueries.Sha256(query);
        await using var socket = await TestWebSocket.ConnectAsync(server, Transports.WebSocket);
        await socket.InitAsync();

        await socket.SendAsync("subscribe", "1", new JsonObject { ["extensions"] = PersistedQueries.Extensions(hash) });
        var notFound = await socket.ReceiveAsync();
        await socket.SendAsync("subscribe", "2", new JsonObject { ["query"] = query, ["extensions"] = PersistedQueries.Extensions(hash) });
        var withQuery = await socket.ReceiveOperationAsync("2", "complete");
        await socket.SendAsync("subscribe", "3", new JsonObject { ["extensions"] = PersistedQueries.Extensions(hash) });
        var hashOnly = await socket.ReceiveOperationAsync("3", "complete");

        Assert.Equal("error", notFound.String("type"));
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", notFound.String("payload[0].extensions.code"));
        Assert.Equal(withQuery[0].Int("payload.data.personas.totalCount"), hashOnly[0].Int("payload.data.personas.totalCount"));
    }
}

/// <summary>In memory, the registered queries are bounded by their total length.</summary>
public sealed class MemoryPersistedQueryBoundTests(MemoryPersistedQueryBoundTests.SmallCacheServer server)
    : IClassFixture<MemoryPersistedQueryBoundTests.SmallCacheServer>
{
    private const int CacheSize = 300;

    public sealed class SmallCacheServer : ConfiguredSqliteServer
    {
        public SmallCacheServer() => Set("GraphQL:PersistedQueries:MemoryCacheSize", CacheSize.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ManyQueriesRegistered_AtMostWhatFitsTheBoundIsKept()
    {
        var queries = Enumerable.Range(0, 10).Select(_ => PersistedQueries.UniqueQuery()).ToList();
        foreach (var query in queries)
        {
            using var registered = await PersistedQueries.PostAsync(server, PersistedQueries.Sha256(query), query);
            (await registered.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors();
        }

        var kept = 0;
        foreach (var query in queries)
        {
            using var response = await PersistedQueries.PostAsync(server, PersistedQueries.Sha256(query));
            var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json);
            if (!body.ContainsKey("errors"))
                kept++;
            else
                Assert.Equal(["PERSISTED_QUERY_NOT_FOUND"], body.ErrorCodes());
        }
        Assert.InRange(kept, 0, CacheSize / queries[0].Length);
    }
}
