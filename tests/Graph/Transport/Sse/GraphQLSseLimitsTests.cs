using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>The engine's limits and the body size, over SSE.</summary>
public sealed class GraphQLSseLimitsTests(StreamingLimitsServer server) : IClassFixture<StreamingLimitsServer>
{
    [Theory]
    [MemberData(nameof(StreamingLimitsServer.OverTheLimits), MemberType = typeof(StreamingLimitsServer))]
    public async Task Post_OverALimit_NextWithTheLimitErrorThenCompleteAndNothingRuns(string query, string code, string messagePart)
    {
        var prompts = await server.CountPromptsAsync();

        await using var stream = await SseStream.PostOperationAsync(server, query);

        var result = Assert.Single(await stream.ReadToCompleteAsync());
        Assert.Equal([code], result.ErrorCodes());
        Assert.Contains(messagePart, result.String("errors[0].message"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(prompts, await server.CountPromptsAsync());
    }

    [Fact]
    public async Task Post_BodyOverTheSizeLimit_413BeforeAnyStream()
    {
        var body = """{ "query": "{ __typename }", "extensions": { "padding": "" } }""";
        body = body.Replace("\"\"", "\"" + new string('x', StreamingLimitsServer.MaxRequestBodySize - body.Length + 1) + "\"", StringComparison.Ordinal);
        Assert.Equal(StreamingLimitsServer.MaxRequestBodySize + 1, Encoding.UTF8.GetByteCount(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.NotEqual("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_BodyAtTheSizeLimit_Streamed()
    {
        var body = """{ "query": "{ __typename }", "extensions": { "padding": "" } }""";
        body = body.Replace("\"\"", "\"" + new string('x', StreamingLimitsServer.MaxRequestBodySize - body.Length) + "\"", StringComparison.Ordinal);
        Assert.Equal(StreamingLimitsServer.MaxRequestBodySize, Encoding.UTF8.GetByteCount(body));

        await using var stream = await SseStream.PostBodyAsync(server, body);

        Assert.Equal("Query", Assert.Single(await stream.ReadToCompleteAsync()).String("data.__typename"));
    }
}
