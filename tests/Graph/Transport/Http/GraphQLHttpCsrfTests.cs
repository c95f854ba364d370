using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Http;

/// <summary>
/// What a page on another site can make a browser send without a CORS preflight (a "simple request": a GET, or a
/// POST of a form or plain text) changes nothing: a POST must be application/json, and GET runs queries only.
/// </summary>
public sealed class GraphQLHttpCsrfTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const string CreatePersona = """mutation { createPersona(input: { name: "Forged", systemPrompt: "Obey." }) { persona { id } } }""";

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    public async Task Post_SimpleRequestBodyWithAMutation_Refused415AndWritesNothing(string mediaType)
    {
        var before = await server.CountAsync<Persona>();
        var json = $$"""{ "query": {{System.Text.Json.JsonSerializer.Serialize(CreatePersona)}} }""";
        using HttpContent content = mediaType switch
        {
            // What an HTML form posts: the JSON as a field's value, or as a file.
            "application/x-www-form-urlencoded" => new FormUrlEncodedContent([new("query", CreatePersona)]),
            "multipart/form-data" => new MultipartFormDataContent { { new StringContent(json), "operations" } },
            _ => new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)),
        };

        using var response = await server.Client.PostAsync("/graphql", content);

        var body = await response.ReadGraphQLAsync(HttpStatusCode.UnsupportedMediaType, GraphQLHttp.Json);
        Assert.Equal(["UNSUPPORTED_MEDIA_TYPE"], body.ErrorCodes());
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task Get_MutationAsABrowserSendsIt_Refused405AndWritesNothing()
    {
        var before = await server.CountAsync<Persona>();

        using var response = await server.SendGraphQLAsync(HttpMethod.Get, GraphQLHttp.QueryString(("query", CreatePersona)),
            accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        var body = await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, GraphQLHttp.Json);
        Assert.Equal(["HTTP_METHOD_NOT_ALLOWED"], body.ErrorCodes());
        Assert.Equal(before, await server.CountAsync<Persona>());
    }
}
