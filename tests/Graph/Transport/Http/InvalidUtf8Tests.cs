using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Http;

/// <summary>A body with bytes that are not UTF-8 is the client's mistake on every HTTP transport: a 400, never a 500.</summary>
public sealed class InvalidUtf8Tests(SqliteServer server) : IClassFixture<SqliteServer>
{
    // 0xC3 starts a two-byte sequence that 0x28 does not continue; 0xFF is never UTF-8.
    private static readonly byte[] Invalid = [0xC3, 0x28, 0xFF];

    private const string QueryTemplate = """{ "query": "{ __typename #\u0000 }" }""";

    public static TheoryData<string, string> Places => new()
    {
        { "query", QueryTemplate },
        { "operationName", """{ "query": "{ __typename }", "operationName": "\u0000" }""" },
        { "member name", """{ "query": "{ __typename }", "\u0000": 1 }""" },
        { "variables", """{ "query": "{ __typename }", "variables": { "a": "\u0000" } }""" },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public async Task Post_InvalidUtf8_Returns400BadRequest(string place, string template)
    {
        using var response = await PostAsync(template, GraphQLHttp.GraphQLResponse);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLHttp.GraphQLResponse);
        Assert.True(body.ErrorCodes().SequenceEqual(["BAD_REQUEST"]), $"{place}: {body.ToJsonString()}");
        Assert.Contains("UTF-8", body.String("errors[0].message"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Places))]
    public async Task PostSse_InvalidUtf8_Returns400BadRequest(string place, string template)
    {
        using var response = await PostAsync(template, "text/event-stream");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{place}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["BAD_REQUEST"], body.ErrorCodes());
    }

    [Fact]
    public async Task Post_InvalidUtf8_LeavesTheServerServing()
    {
        using (await PostAsync(QueryTemplate, GraphQLHttp.GraphQLResponse)) { }

        var result = await server.Client.PostGraphQLAsync("{ __typename }");
        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__typename"));
    }

    private Task<HttpResponseMessage> PostAsync(string template, string accept)
    {
        // The template marks the place with \u0000 (as JSON text): it is replaced by the raw invalid bytes.
        var parts = template.Split("\\u0000");
        var bytes = Encoding.UTF8.GetBytes(parts[0]).Concat(Invalid).Concat(Encoding.UTF8.GetBytes(parts[1])).ToArray();
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(GraphQLHttp.Json);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return server.Client.SendAsync(request);
    }
}
