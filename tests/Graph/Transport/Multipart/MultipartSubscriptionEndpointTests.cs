using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Multipart;

/// <summary>Apollo's multipart subscription protocol with raw requests: the framing a client parses, and refusals.</summary>
public sealed class MultipartSubscriptionEndpointTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public async Task Post_Subscription_JsonPartsWithPayloadsThenTheClosingDelimiter()
    {
        using var response = await MultipartRequests.PostAsync(server, GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 4));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/mixed", contentType.MediaType);
        Assert.Contains(contentType.Parameters, p => p.Name == "boundary" && p.Value == "\"graphql\"");
        Assert.Contains(contentType.Parameters, p => p.Name == "subscriptionSpec" && p.Value == "\"1.0\"");
        var payloads = MultipartRequests.Parts(await response.Content.ReadAsStringAsync()).Where(p => p.ContainsKey("payload")).Select(p => p["payload"]!).ToList();
        var streamed = GenerationStreams.Read(payloads).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(4, streamed.Chunks.Count);
    }

    [Fact]
    public async Task Post_InvalidDocument_OnePayloadWithTheErrorsThenTheEnd()
    {
        using var response = await MultipartRequests.PostAsync(server, "subscription { noSuchField }");

        var part = Assert.Single(MultipartRequests.Parts(await response.Content.ReadAsStringAsync()), p => p.Count > 0);
        Assert.Contains("noSuchField", part.String("payload.errors[0].message"), StringComparison.Ordinal);
        Assert.Null(part["payload"]!["data"]);
    }

    [Fact]
    public async Task Post_BodyNotJson_400JsonBeforeAnyStream()
    {
        using var response = await MultipartRequests.PostBodyAsync(server, "{ not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["BAD_REQUEST"], JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject().ErrorCodes());
    }
}
