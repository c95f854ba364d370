using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport;

/// <summary>
/// Requests built to exhaust a server, under the default limits, over every transport: each is refused with its
/// documented error before anything runs (no SQL), and the next request on that transport is served. Whether they
/// are refused quickly is measured in bench/, not here: what these tests assert is that they never reach execution.
/// </summary>
public sealed class MaliciousRequestsTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    /// <summary>Every document below on every transport, with the code it is refused with.</summary>
    public static TheoryData<string, string, string> DocumentsOnEveryTransport()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var transport in new[] { Transports.Http, Transports.WebSocket, Transports.Sse })
        {
            foreach (var (name, code) in Documents)
                data.Add(transport, name, code);
        }
        return data;
    }

    private static readonly (string Name, string Code)[] Documents =
    [
        ("selections nested 10,000 deep", "MAX_NESTING_DEPTH"),
        ("a list value nested 10,000 deep", "MAX_NESTING_DEPTH"),
        ("an object value nested 5,000 deep", "MAX_NESTING_DEPTH"),
        ("a chain of 800 fragments", "MAX_NESTING_DEPTH"),
        ("30 levels of fragments that each spread two others", "COMPLEXITY"),
        ("a fragment cycle", "NO_FRAGMENT_CYCLES"),
        ("1,000 aliases", "MAX_ALIASES"),
        ("one field 2,000 times", "MAX_MERGED_FIELD_PAIRS"),
        ("one field with 200 different arguments", "MAX_MERGED_FIELD_PAIRS"),
        ("a list of 15,000 ids", "MAX_DOCUMENT_NODES"),
        ("100,000 tokens of garbage", "MAX_DOCUMENT_LENGTH"),
    ];

    [Theory]
    [MemberData(nameof(DocumentsOnEveryTransport))]
    public async Task MaliciousDocument_RefusedBeforeExecutionAndTheNextRequestIsServed(string transport, string document, string code)
    {
        server.Sql.Reset();

        var result = await server.ExecuteAsync(transport, Document(document));

        Assert.Equal([code], result.ErrorCodes().Distinct());
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString()[..Math.Min(500, result.ToJsonString().Length)]);
        Assert.Equal(0, server.Sql.Count);
        Assert.Equal("Query", (await server.ExecuteAsync(transport, "{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [InlineData(Transports.Http, 413, null, "PAYLOAD_TOO_LARGE")]
    [InlineData(Transports.Sse, 413, null, "PAYLOAD_TOO_LARGE")]
    [InlineData(Transports.WebSocket, null, 1009, null)]
    public async Task OversizedRequest_RefusedAndTheNextRequestIsServed(string transport, int? status, int? closeCode, string? code)
    {
        // One byte over the default 256 KB body (and WebSocket message) size.
        var request = new JsonObject { ["query"] = "{ __typename }", ["extensions"] = new JsonObject { ["padding"] = "" } }.ToJsonString();
        request = request.Replace("\"\"", "\"" + new string('x', 256 * 1024 - request.Length + 1) + "\"", StringComparison.Ordinal);

        var outcome = await server.SendRawAsync(transport, request);

        AssertOutcome(outcome, status, closeCode, code);
        Assert.Equal("Query", (await server.ExecuteAsync(transport, "{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [InlineData(Transports.Http, 400, null, "BAD_REQUEST")]
    [InlineData(Transports.Sse, 400, null, "BAD_REQUEST")]
    [InlineData(Transports.WebSocket, null, 4400, null)]
    public async Task VariablesNested10000Deep_RefusedAsInvalidJsonAndTheNextRequestIsServed(string transport, int? status, int? closeCode, string? code)
    {
        // JSON is read at most 64 levels deep: deeper variables never reach the engine's coercion.
        const int Depth = 10_000;
        var where = string.Concat(Enumerable.Repeat("""{"and":[""", Depth)) + "{}" + string.Concat(Enumerable.Repeat("]}", Depth));
        var request = """{"query":"query($where: PersonaFilterInput) { personas(where: $where) { totalCount } }","variables":{"where":""" + where + "}}";
        server.Sql.Reset();

        var outcome = await server.SendRawAsync(transport, request);

        AssertOutcome(outcome, status, closeCode, code);
        Assert.Equal(0, server.Sql.Count);
        Assert.Equal("Query", (await server.ExecuteAsync(transport, "{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task FilterOf5000ConditionsInVariables_RefusedBeforeAnyQueryAndTheNextRequestIsServed(string transport)
    {
        // Within every size limit of the request, but a query tree deep enough to overflow the translator's stack.
        var or = new JsonArray([.. Enumerable.Range(0, 5_000).Select(i => (JsonNode)new JsonObject { ["name"] = new JsonObject { ["eq"] = "n" + i } })]);
        server.Sql.Reset();

        var result = await server.ExecuteAsync(transport, "query($where: PersonaFilterInput) { personas(where: $where) { totalCount } }",
            new JsonObject { ["where"] = new JsonObject { ["or"] = or } });

        Assert.Equal(["INVALID_FILTER"], result.ErrorCodes());
        Assert.Equal(0, server.Sql.Count);
        Assert.Equal("Query", (await server.ExecuteAsync(transport, "{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task MaliciousDocuments_OnOneWebSocket_EachRefusedAndTheConnectionKeepsServing()
    {
        await using var socket = await Transport.WebSockets.TestWebSocket.ConnectAsync(server, Transports.WebSocket);
        await socket.InitAsync();

        foreach (var (name, code) in Documents)
        {
            await socket.SendOperationAsync("subscribe", name, Document(name));
            var refused = await socket.ReceiveAsync();
            Assert.Equal(("error", name), (refused.String("type"), refused.String("id")));
            Assert.Equal(code, refused.String("payload[0].extensions.code"));
        }
        await socket.SendOperationAsync("subscribe", "after", "{ __typename }");
        Assert.Equal("Query", (await socket.ReceiveAsync()).String("payload.data.__typename"));
    }

    private static void AssertOutcome(RawOutcome outcome, int? status, int? closeCode, string? code)
    {
        Assert.Equal(status, outcome.Status);
        Assert.Equal(closeCode, outcome.CloseCode);
        Assert.Equal(code is null ? [] : [code], outcome.Codes);
    }

    private static string Document(string name) => name switch
    {
        "selections nested 10,000 deep" => "{" + Repeat("a{", 10_000) + "b" + Repeat("}", 10_000) + "}",
        "a list value nested 10,000 deep" => "{ nodes(ids: " + Repeat("[", 10_000) + Repeat("]", 10_000) + ") { id } }",
        "an object value nested 5,000 deep" => "{ personas(where: " + Repeat("{and:", 5_000) + "{}" + Repeat("}", 5_000) + ") { totalCount } }",
        "a chain of 800 fragments" => "{ ...F0 } " + string.Concat(Enumerable.Range(0, 800).Select(i => $"fragment F{i} on Query {{ ...F{i + 1} }} "))
            + "fragment F800 on Query { __typename }",
        // 2^30 paths to the last fragment.
        "30 levels of fragments that each spread two others" => "{ ...A0 } "
            + string.Concat(Enumerable.Range(0, 30).Select(i => $"fragment A{i} on Query {{ ...A{i + 1} ...B{i + 1} }} fragment B{i} on Query {{ ...A{i + 1} ...B{i + 1} }} "))
            + "fragment A30 on Query { __typename } fragment B30 on Query { __typename }",
        "a fragment cycle" => "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { __typename ...A }",
        "1,000 aliases" => "{ " + string.Join(' ', Enumerable.Range(0, 1_000).Select(i => $"a{i}: __typename")) + " }",
        "one field 2,000 times" => "{" + Repeat(" __typename", 2_000) + " }",
        "one field with 200 different arguments" => "{ " + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"personas(first: {i % 100}, after: \"{i}\") {{ totalCount }}")) + " }",
        "a list of 15,000 ids" => "{ nodes(ids: [" + string.Join(',', Enumerable.Repeat("1", 15_000)) + "]) { id } }",
        "100,000 tokens of garbage" => "{ " + Repeat("a ", 100_000),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such document."),
    };

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));
}
