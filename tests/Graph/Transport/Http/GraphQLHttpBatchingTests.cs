using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Http;

/// <summary>
/// Batching switched on: a JSON array of requests runs one after another, each with every limit, and is answered
/// with an array of results in the same order. Off (the default), such a body is a 400: see GraphQLHttpEndpointTests.
/// </summary>
public sealed class GraphQLHttpBatchingTests(GraphQLHttpBatchingTests.BatchingServer server) : IClassFixture<GraphQLHttpBatchingTests.BatchingServer>
{
    private const int MaxBatchSize = 3;

    private const string CreatePersona = """
        mutation($name: String!) { createPersona(input: { name: $name, systemPrompt: "Be brief." }) { persona { name } userErrors { code } } }
        """;

    public sealed class BatchingServer : StreamingServer
    {
        public BatchingServer()
        {
            Set("Transport:Batching:Enabled", "true");
            Set("Transport:Batching:MaxBatchSize", MaxBatchSize.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(GraphQLHttp.GraphQLResponse)]
    [InlineData(GraphQLHttp.Json)]
    public async Task Post_Batch_AnsweredWithTheResultsInOrder(string accept)
    {
        var batch = Batch(
            Request("query First { first: __typename }"),
            Request("query Page($n: Int!) { personas(first: $n) { nodes { name } } }", new JsonObject { ["n"] = 2 }),
            Request("query Third { third: __typename }"));

        var results = await PostBatchAsync(batch, HttpStatusCode.OK, accept);

        Assert.Equal(3, results.Count);
        Assert.Equal("Query", results[0]!.AsObject().ShouldHaveNoErrors().String("data.first"));
        Assert.Equal(2, results[1]!.AsObject().ShouldHaveNoErrors().At("data.personas.nodes")!.AsArray().Count);
        Assert.Equal("Query", results[2]!.AsObject().ShouldHaveNoErrors().String("data.third"));
    }

    [Fact]
    public async Task Post_BatchWithASubscription_RefusesItAndStartsNothing()
    {
        var messages = await server.CountAsync<Message>();
        var batch = Batch(
            Request("query First { first: __typename }"),
            Request(GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 5)));

        var results = await PostBatchAsync(batch, HttpStatusCode.OK);

        Assert.Equal("Query", results[0]!.AsObject().ShouldHaveNoErrors().String("data.first"));
        Assert.Equal(["SUBSCRIPTION_NEEDS_STREAMING_TRANSPORT"], results[1]!.AsObject().ErrorCodes());
        Assert.Equal(messages, await server.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_BatchWithAMutation_RunsItBeforeTheQueriesAfterIt()
    {
        var name = "Batched " + Guid.NewGuid().ToString("N");
        var batch = Batch(
            Request(CreatePersona, new JsonObject { ["name"] = name }),
            Request("query($where: PersonaFilterInput) { personas(where: $where) { totalCount } }",
                new JsonObject { ["where"] = new JsonObject { ["name"] = new JsonObject { ["eq"] = name } } }));

        var results = await PostBatchAsync(batch, HttpStatusCode.OK);

        Assert.Equal(name, results[0]!.AsObject().ShouldHaveNoErrors().String("data.createPersona.persona.name"));
        Assert.Equal(1, results[1]!.AsObject().ShouldHaveNoErrors().Int("data.personas.totalCount"));
    }

    [Fact]
    public async Task Post_BatchWithAnOperationOverALimit_OnlyThatOneIsRefused()
    {
        var aliases = string.Join(' ', Enumerable.Range(0, 31).Select(i => $"a{i}: __typename"));
        var batch = Batch(Request("{ __typename }"), Request("{ " + aliases + " }"), Request("{ noSuchField }"));

        var results = await PostBatchAsync(batch, HttpStatusCode.OK);

        Assert.Equal("Query", results[0]!.AsObject().ShouldHaveNoErrors().String("data.__typename"));
        Assert.Equal(["MAX_ALIASES"], results[1]!.AsObject().ErrorCodes());
        Assert.Equal(["FIELDS_ON_CORRECT_TYPE"], results[2]!.AsObject().ErrorCodes());
    }

    [Fact]
    public async Task Post_BatchOverTheSizeLimit_400AndNothingRuns()
    {
        var personas = await server.CountAsync<Persona>();
        var requests = Enumerable.Range(0, MaxBatchSize + 1)
            .Select(_ => Request(CreatePersona, new JsonObject { ["name"] = "Never " + Guid.NewGuid().ToString("N") })).ToArray();

        var body = await PostRefusedAsync(Batch(requests));

        Assert.Equal(["BATCH_TOO_LARGE"], body.ErrorCodes());
        Assert.Contains($"at most {MaxBatchSize}", body.String("errors[0].message"), StringComparison.Ordinal);
        Assert.Equal(personas, await server.CountAsync<Persona>());
    }

    [Theory]
    [InlineData("[]", "empty")]
    [InlineData("""[{ "query": "{ __typename }" }, 42]""", "Request 2 of the batch")]
    [InlineData("""[{ "query": "{ __typename }" }, { "notquery": "{ __typename }" }]""", "Request 2 of the batch")]
    [InlineData("""[{ "query": "{ __typename }" }, { "query": 1 }]""", "Request 2 of the batch: `query` must be a string")]
    public async Task Post_MalformedBatch_400AndNothingRuns(string json, string reason)
    {
        var body = await PostRefusedAsync(json);

        Assert.Equal(["BAD_REQUEST"], body.ErrorCodes());
        Assert.Contains(reason, body.String("errors[0].message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BatchWithAMalformedRequestAfterAMutation_NothingRuns()
    {
        var personas = await server.CountAsync<Persona>();
        var batch = Batch(Request(CreatePersona, new JsonObject { ["name"] = "Never " + Guid.NewGuid().ToString("N") }), new JsonObject());

        await PostRefusedAsync(batch);

        Assert.Equal(personas, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task SsePost_Batch_400BecauseAStreamCarriesOneOperation()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(Batch(Request("{ __typename }")), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await server.Client.SendAsync(request);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLHttp.Json);
        Assert.Contains("Batched requests are not accepted", body.String("errors[0].message"), StringComparison.Ordinal);
    }

    private async Task<JsonArray> PostBatchAsync(string batch, HttpStatusCode status, string accept = GraphQLHttp.GraphQLResponse)
    {
        using var response = await server.SendGraphQLAsync(HttpMethod.Post, body: batch, accept: accept);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(accept, response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsArray();
    }

    private async Task<JsonObject> PostRefusedAsync(string batch)
    {
        using var response = await server.SendGraphQLAsync(HttpMethod.Post, body: batch, accept: GraphQLHttp.GraphQLResponse);
        var body = await response.ReadGraphQLAsync(HttpStatusCode.BadRequest, GraphQLHttp.GraphQLResponse);
        Assert.False(body.ContainsKey("data"));
        return body;
    }

    private static JsonObject Request(string query, JsonObject? variables = null) => new() { ["query"] = query, ["variables"] = variables };

    private static string Batch(params JsonObject[] requests) => new JsonArray([.. requests]).ToJsonString();
}
