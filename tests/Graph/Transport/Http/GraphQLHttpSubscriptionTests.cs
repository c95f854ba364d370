using System.Net;
using System.Text.Json;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Http;

/// <summary>
/// Plain HTTP answers once, so a subscription sent over it is refused before it starts: no generation runs and
/// nothing is written, where it used to answer `{"data":null}` and spend provider tokens for nobody.
/// </summary>
public sealed class GraphQLHttpSubscriptionTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    private const string Code = "SUBSCRIPTION_NEEDS_STREAMING_TRANSPORT";

    [Theory]
    [InlineData(GraphQLHttp.GraphQLResponse, HttpStatusCode.BadRequest)]
    [InlineData(GraphQLHttp.Json, HttpStatusCode.OK)]
    public async Task Post_Subscription_RefusedWithItsCodeAndStartsNothing(string accept, HttpStatusCode status)
    {
        var (messages, conversations) = (await server.CountAsync<Message>(), await server.CountAsync<Conversation>());
        var body = JsonSerializer.Serialize(new { query = GenerationStreams.Generate, variables = GenerationStreams.Input(GenerationStreams.UniquePrompt(), 5) });

        using var response = await server.SendGraphQLAsync(HttpMethod.Post, body: body, accept: accept);

        var result = await response.ReadGraphQLAsync(status, accept);
        Assert.Equal([Code], result.ErrorCodes());
        Assert.Contains("text/event-stream", result.String("errors[0].message"), StringComparison.Ordinal);
        Assert.False(result.ContainsKey("data"));
        Assert.Equal((messages, conversations), (await server.CountAsync<Message>(), await server.CountAsync<Conversation>()));
    }

    [Fact]
    public async Task Get_Subscription_Refused405AndStartsNothing()
    {
        var messages = await server.CountAsync<Message>();

        using var response = await server.SendGraphQLAsync(HttpMethod.Get, GraphQLHttp.QueryString(
            ("query", """subscription { generate(input: { prompt: "by GET", maxTokens: 5 }) { __typename } }""")));

        var result = await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, GraphQLHttp.Json);
        Assert.Equal(["HTTP_METHOD_NOT_ALLOWED"], result.ErrorCodes());
        Assert.Equal(messages, await server.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_SubscriptionWithEventStreamAccept_StillStreams()
    {
        var outcome = (await ReferenceClients.RunAsync(server, ReferenceClients.GraphQLSse,
            (GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3))))[0];

        Assert.NotEmpty(outcome.ShouldHaveCompleted().Results);
    }
}
