using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Http;

/// <summary>GraphQL over HTTP at the edges of the spec, over real sockets, with the default limits.</summary>
public sealed class GraphQLHttpEndpointTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const string GraphQLResponse = GraphQLHttp.GraphQLResponse;
    private const string Json = GraphQLHttp.Json;

    [Fact]
    public async Task Post_ApplicationJson_ReturnsDataAsJson()
    {
        using var response = await SendAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""", accept: Json);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task Get_QueryVariablesAndOperationNameInQueryString_RunsTheNamedOperation()
    {
        var query = GraphQLHttp.QueryString(
            ("query", "query First { __typename } query Second($name: String!) { __type(name: $name) { name } }"),
            ("variables", """{ "name": "Persona" }"""),
            ("operationName", "Second"));

        using var response = await SendAsync(HttpMethod.Get, query);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Equal("Persona", body.ShouldHaveNoErrors().String("data.__type.name"));
    }

    [Theory]
    [InlineData(GraphQLResponse)]
    [InlineData(Json)]
    public async Task Get_Mutation_Returns405WithAllowPostAndChangesNothing(string accept)
    {
        var before = await server.CountAsync<Persona>();

        using var response = await SendAsync(HttpMethod.Get,
            GraphQLHttp.QueryString(("query", """mutation { createPersona(input: { name: "By GET", systemPrompt: "No." }) { persona { id } } }""")), accept: accept);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, accept);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Contains("POST", body.String("errors[0].message"), StringComparison.Ordinal);
        Assert.False(body.ContainsKey("data"));
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task Get_DocumentWithAMutation_RunsTheQueryTheOperationNameSelects()
    {
        var query = GraphQLHttp.QueryString(
            ("query", """query Read { __typename } mutation Write { createPersona(input: { name: "x", systemPrompt: "y" }) { persona { id } } }"""),
            ("operationName", "Read"));

        using var response = await SendAsync(HttpMethod.Get, query);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    // PUT is graphql-sse's reservation of a single-connection stream (see tests/Graph/Transport/Sse).
    [Theory]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task OtherMethod_Returns405WithAllowGetPost(string method)
    {
        using var response = await SendAsync(new HttpMethod(method), body: """{ "query": "{ __typename }" }""");

        var body = await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, Json);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow);
        Assert.Equal(["METHOD_NOT_ALLOWED"], body.ErrorCodes());
    }

    [Theory]
    [InlineData(GraphQLResponse, GraphQLResponse)]
    [InlineData(Json, Json)]
    [InlineData("*/*", Json)]
    [InlineData("application/*", Json)]
    [InlineData(null, Json)]
    [InlineData("application/json;q=0.5, application/graphql-response+json", GraphQLResponse)]
    [InlineData("application/graphql-response+json;q=0.5, application/json", Json)]
    [InlineData("text/html, */*;q=0.8", Json)]
    public async Task Post_Accept_RespondsWithTheNegotiatedMediaType(string? accept, string expected)
    {
        using var response = await SendAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""", accept: accept);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, expected);
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/html, application/xml")]
    [InlineData("application/json;q=0, text/plain")]
    public async Task Post_AcceptsNeitherGraphQLMediaType_Returns406(string accept)
    {
        using var response = await SendAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""", accept: accept);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.NotAcceptable, Json);
        Assert.Equal(["NOT_ACCEPTABLE"], body.ErrorCodes());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task Post_ContentTypeNotJson_Returns415(string? contentType)
    {
        using var response = await SendAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""", accept: GraphQLResponse, contentType: contentType);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.UnsupportedMediaType, GraphQLResponse);
        Assert.Equal(["UNSUPPORTED_MEDIA_TYPE"], body.ErrorCodes());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    public async Task Post_ContentTypeJsonInUtf8_IsAccepted(string contentType)
    {
        using var response = await SendAsync(HttpMethod.Post, body: """{ "query": "{ __type(name: \"Run🏃Swim🏊\") { name } }" }""", contentType: contentType);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Null(body.ShouldHaveNoErrors().At("data.__type"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  \r\n ", "empty")]
    [InlineData("""{ "query": "{ __typename }" """, "not valid JSON")]
    [InlineData("""{ "query": "{ __typename }" } trailing""", "not valid JSON")]
    [InlineData("\"{ __typename }\"", "JSON object")]
    [InlineData("42", "JSON object")]
    [InlineData("null", "JSON object")]
    [InlineData("""[{ "query": "{ __typename }" }]""", "Batched")]
    [InlineData("""{ "notquery": "{ __typename }" }""", "no `query`")]
    [InlineData("""{ "query": 1 }""", "`query` must be a string")]
    [InlineData("""{ "query": { "obj": "ect" } }""", "`query` must be a string")]
    [InlineData("""{ "query": "{ __typename }", "operationName": false }""", "`operationName` must be a string")]
    [InlineData("""{ "query": "{ __typename }", "variables": [] }""", "`variables` must be a JSON object")]
    [InlineData("""{ "query": "{ __typename }", "variables": "{}" }""", "`variables` must be a JSON object")]
    [InlineData("""{ "query": "{ __typename }", "extensions": 0 }""", "`extensions` must be a JSON object")]
    [InlineData("""{ "query": "{ __typename }", "query": "{ __schema { types { name } } }" }""", "not valid JSON")]
    public async Task Post_MalformedBody_Returns400WithAJsonErrorThatSaysWhy(string json, string reason)
    {
        using var response = await SendAsync(HttpMethod.Post, body: json, accept: Json);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, Json);
        Assert.Equal(["BAD_REQUEST"], body.ErrorCodes());
        var message = body.String("errors[0].message")!;
        Assert.Contains(reason, message, StringComparison.Ordinal);
        // .NET type names in an answer describe the server, not the request.
        Assert.DoesNotContain("GraphQL.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.False(body.ContainsKey("data"));
    }

    [Theory]
    [InlineData("variables=%7B", "`variables` is not valid JSON")]
    [InlineData("variables=%5B%5D", "`variables` must be a JSON object")]
    [InlineData("extensions=1", "`extensions` must be a JSON object")]
    [InlineData("operationName=A&operationName=B", "`operationName` appears more than once")]
    [InlineData("query=%7B__schema%7Btypes%7Bname%7D%7D%7D", "`query` appears more than once")]
    public async Task Get_MalformedParameters_Returns400(string parameters, string reason)
    {
        using var response = await SendAsync(HttpMethod.Get, "?query=%7B__typename%7D&" + parameters);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, Json);
        Assert.Contains(reason, body.String("errors[0].message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OtherParametersRepeated_AreIgnored()
    {
        using var response = await SendAsync(HttpMethod.Get, "?query=%7B__typename%7D&ref=a&ref=b");

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task Get_NoQuery_Returns400()
    {
        using var response = await SendAsync(HttpMethod.Get, "", accept: GraphQLResponse);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLResponse);
        Assert.Equal(["BAD_REQUEST"], body.ErrorCodes());
    }

    [Theory]
    [InlineData("""{ "query": "{" }""", GraphQLResponse, HttpStatusCode.BadRequest, "SYNTAX_ERROR")]
    [InlineData("""{ "query": "{" }""", Json, HttpStatusCode.OK, "SYNTAX_ERROR")]
    [InlineData("""{ "query": "{ noSuchField }" }""", GraphQLResponse, HttpStatusCode.BadRequest, "FIELDS_ON_CORRECT_TYPE")]
    [InlineData("""{ "query": "{ noSuchField }" }""", Json, HttpStatusCode.OK, "FIELDS_ON_CORRECT_TYPE")]
    [InlineData("""{ "query": "query ($id: ID!) { node(id: $id) { id } }", "variables": { "id": null } }""", GraphQLResponse, HttpStatusCode.BadRequest, "INVALID_VALUE")]
    [InlineData("""{ "query": "query ($id: ID!) { node(id: $id) { id } }", "variables": { "id": null } }""", Json, HttpStatusCode.OK, "INVALID_VALUE")]
    public async Task Post_DocumentThatCannotRun_StatusFollowsTheMediaTypeAndNoData(string json, string accept, HttpStatusCode status, string code)
    {
        using var response = await SendAsync(HttpMethod.Post, body: json, accept: accept);

        var body = await response.ReadGraphQLAsync(status, accept);
        Assert.Equal([code], body.ErrorCodes());
        Assert.False(body.ContainsKey("data"), "A request that never executed has no `data`: " + body.ToJsonString());
    }

    [Fact]
    public async Task Get_QueryStringUnderTheDefaultLimitButOverKestrelsDefault_IsServed()
    {
        // Over Kestrel's own 8 KB request line, under our 16 KB MaxQueryStringLength (a comment: letters need no escaping).
        var comment = "#" + new string('a', 12 * 1024) + "\n";

        using var response = await SendAsync(HttpMethod.Get, GraphQLHttp.QueryString(("query", "{ " + comment + " __typename }")));

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, Json);
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task AnyResponse_VariesByAccept(string method)
    {
        using var response = method == "GET"
            ? await SendAsync(HttpMethod.Get, GraphQLHttp.QueryString(("query", "{ __typename }")))
            : await SendAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""");

        Assert.Contains("Accept", response.Headers.Vary);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string query = "", string? body = null,
        string? accept = null, string? contentType = Json) =>
        server.SendGraphQLAsync(method, query, body, accept, contentType);
}

/// <summary>The size limits of GraphQL over HTTP, with small configured values.</summary>
public sealed class GraphQLHttpEndpointSizeLimitTests(GraphQLHttpEndpointSizeLimitTests.SmallTransportLimitsServer server)
    : IClassFixture<GraphQLHttpEndpointSizeLimitTests.SmallTransportLimitsServer>
{
    private const int MaxBody = 1024;
    private const int MaxQueryString = 200;

    public sealed class SmallTransportLimitsServer : ConfiguredSqliteServer
    {
        public SmallTransportLimitsServer()
        {
            Set("Transport:MaxRequestBodySize", MaxBody.ToString(CultureInfo.InvariantCulture));
            Set("Transport:MaxQueryStringLength", MaxQueryString.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Post_BodyExactlyAtTheLimit_IsServed()
    {
        using var response = await PostAsync(BodyOfLength(MaxBody), chunked: false);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, "application/json");
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOverTheLimit_Returns413(bool chunked)
    {
        using var response = await PostAsync(BodyOfLength(MaxBody + 1), chunked);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.RequestEntityTooLarge, "application/json");
        Assert.Equal(["PAYLOAD_TOO_LARGE"], body.ErrorCodes());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyFarOverTheLimitStillArrivingAfterTheRefusal_Returns413AndKeepsTheConnection(bool chunked)
    {
        // The client is still sending when the server has answered. A server that then closes the connection
        // (Connection: close) can leave the client a broken pipe instead of the 413.
        var body = BodyOfLength(64 * MaxBody);
        var content = new PausingContent(body, pauseAfter: 2 * MaxBody, announceLength: !chunked);

        using var response = await PostAsync(content, chunked);

        var result = await response.ReadGraphQLAsync(HttpStatusCode.RequestEntityTooLarge, "application/json");
        Assert.Equal(["PAYLOAD_TOO_LARGE"], result.ErrorCodes());
        Assert.NotEqual(true, response.Headers.ConnectionClose);
    }

    [Fact]
    public async Task Get_QueryStringOverTheLimit_Returns414()
    {
        var query = "?query=" + Uri.EscapeDataString("{ #" + new string('a', MaxQueryString) + "\n __typename }");

        using var response = await server.SendGraphQLAsync(HttpMethod.Get, query);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.RequestUriTooLong, "application/json");
        Assert.Equal(["URI_TOO_LONG"], body.ErrorCodes());
    }

    [Fact]
    public async Task Get_QueryStringAtTheLimit_IsServed()
    {
        var prefix = "?query=" + Uri.EscapeDataString("{ #");
        var suffix = Uri.EscapeDataString("\n __typename }");
        var query = prefix + new string('a', MaxQueryString - prefix.Length - suffix.Length) + suffix;
        Assert.Equal(MaxQueryString, query.Length);

        using var response = await server.SendGraphQLAsync(HttpMethod.Get, query);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, "application/json");
        Assert.Equal("Query", body.ShouldHaveNoErrors().String("data.__typename"));
    }

    // A valid request padded with trailing whitespace to exactly `length` bytes.
    private static byte[] BodyOfLength(int length)
    {
        var json = """{ "query": "{ __typename }" }""";
        return Encoding.UTF8.GetBytes(json + new string(' ', length - json.Length));
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body, bool chunked) =>
        PostAsync(new PausingContent(body, pauseAfter: body.Length, announceLength: !chunked), chunked);

    private Task<HttpResponseMessage> PostAsync(HttpContent content, bool chunked)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        return server.Client.SendAsync(request);
    }

    /// <summary>
    /// A body sent in two parts with a pause between them, so the server reads the first part and answers
    /// before the rest arrives. Without a known length, HTTP/1.1 sends it with chunked transfer encoding.
    /// </summary>
    private sealed class PausingContent(byte[] bytes, int pauseAfter, bool announceLength) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var first = Math.Min(pauseAfter, bytes.Length);
            await stream.WriteAsync(bytes.AsMemory(0, first));
            if (first == bytes.Length)
                return;
            await stream.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await stream.WriteAsync(bytes.AsMemory(first));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return announceLength;
        }
    }
}
