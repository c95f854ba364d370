using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Multipart;

/// <summary>Apollo's multipart subscription protocol with raw requests: the framing a client parses, and refusals.</summary>
public sealed class MultipartSubscriptionEndpointTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    // What Apollo Client 4's HttpLink sends for a subscription.
    private const string ApolloAccept = "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json";

    [Fact]
    public async Task Post_Subscription_JsonPartsWithPayloadsThenTheClosingDelimiter()
    {
        using var response = await PostAsync(new JsonObject { ["query"] = GenerationStreams.Generate, ["variables"] = GenerationStreams.Input(GenerationStreams.UniquePrompt(), 4) }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/mixed", contentType.MediaType);
        Assert.Contains(contentType.Parameters, p => p.Name == "boundary" && p.Value == "\"graphql\"");
        Assert.Contains(contentType.Parameters, p => p.Name == "subscriptionSpec" && p.Value == "\"1.0\"");
        var payloads = Parts(await response.Content.ReadAsStringAsync()).Where(p => p.ContainsKey("payload")).Select(p => p["payload"]!).ToList();
        var streamed = GenerationStreams.Read(payloads).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(4, streamed.Chunks.Count);
    }

    [Fact]
    public async Task Post_InvalidDocument_OnePayloadWithTheErrorsThenTheEnd()
    {
        using var response = await PostAsync("""{ "query": "subscription { noSuchField }" }""");

        var part = Assert.Single(Parts(await response.Content.ReadAsStringAsync()), p => p.Count > 0);
        Assert.Contains("noSuchField", part.String("payload.errors[0].message"), StringComparison.Ordinal);
        Assert.Null(part["payload"]!["data"]);
    }

    [Fact]
    public async Task Post_BodyNotJson_400JsonBeforeAnyStream()
    {
        using var response = await PostAsync("{ not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["BAD_REQUEST"], JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject().ErrorCodes());
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", ApolloAccept);
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        return await server.Client.SendAsync(request, timeout.Token);
    }

    /// <summary>The JSON of every part, read as RFC 2046 says, checking that the body ends with the closing delimiter.</summary>
    private static List<JsonObject> Parts(string body)
    {
        Assert.StartsWith("\r\n--graphql\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\r\n--graphql--\r\n", body, StringComparison.Ordinal);
        var inner = body["\r\n--graphql".Length..^"\r\n--graphql--\r\n".Length];
        return inner.Split("\r\n--graphql", StringSplitOptions.None).Select(part =>
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.Contains("content-type: application/json", part[..split], StringComparison.OrdinalIgnoreCase);
            return JsonNode.Parse(part[(split + 4)..])!.AsObject();
        }).ToList();
    }
}
