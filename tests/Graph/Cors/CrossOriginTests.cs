using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Cors;

/// <summary>
/// CORS over real HTTP, as a browser would ask: preflights of /graphql and /connect/token answer with the configured
/// policy, an origin nobody allowed gets no Access-Control-Allow-Origin, and a WebSocket upgrade from it gets 403.
/// </summary>
public sealed class CrossOriginTests(CrossOriginTests.AllowingServer server) : IClassFixture<CrossOriginTests.AllowingServer>
{
    private const string Allowed = "https://app.example:8443";
    private const string AnyPortHost = "http://dev.example";
    private const string Refused = "https://evil.example";

    [Fact]
    public async Task Preflight_FromAllowedOrigin_AnswersWithThePolicy()
    {
        using var response = await PreflightAsync("/graphql", Allowed, "POST", "content-type,authorization");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("Authorization", Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("120", Header(response, "Access-Control-Max-Age"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Preflight_OriginWithAnyPortPattern_IsAllowedOnEveryPort()
    {
        foreach (var origin in new[] { AnyPortHost + ":3000", AnyPortHost + ":5173", AnyPortHost })
        {
            using var response = await PreflightAsync("/graphql", origin, "POST", "content-type");
            Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Preflight_FromOtherOrigin_GetsNoAllowOrigin()
    {
        using var response = await PreflightAsync("/graphql", Refused, "POST", "content-type");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_OfTokenEndpoint_AnswersForAllowedOriginOnly()
    {
        using var allowed = await PreflightAsync("/connect/token", Allowed, "POST", "content-type");
        using var refused = await PreflightAsync("/connect/token", Refused, "POST", "content-type");

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(Allowed, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Null(Header(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Post_CarriesAllowOriginForAllowedOriginOnly()
    {
        using var allowed = await PostWithOriginAsync(Allowed);
        using var refused = await PostWithOriginAsync(Refused);

        Assert.Equal(Allowed, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Null(Header(refused, "Access-Control-Allow-Origin"));
    }

    // A page may POST a form to any server without a preflight: the server must not run it. It only takes JSON.
    [Fact]
    public async Task FormPost_FromOtherOrigin_IsRefusedAndChangesNothing()
    {
        var before = await server.CountAsync<Persona>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"mutation { createPersona(input: { name: \"csrf\", systemPrompt: \"x\" }) { persona { id } } }"}""",
                Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", Refused);

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(before, await server.CountAsync<Persona>());
    }

    [Fact]
    public async Task WebSocketUpgrade_FromOtherOrigin_Is403()
    {
        var failure = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(Refused));

        Assert.Contains("403", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Allowed)]
    [InlineData(null)] // no Origin: not a browser
    public async Task WebSocketUpgrade_FromAllowedOriginOrNoBrowser_IsAccepted(string? origin)
    {
        using var socket = await ConnectAsync(origin);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal("graphql-transport-ws", socket.SubProtocol);
    }

    [Fact]
    public async Task WebSocketUpgrade_FromThePagesOwnHost_IsAccepted()
    {
        using var socket = await ConnectAsync("http://" + server.GraphQLEndpoint.Authority);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await server.Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostWithOriginAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ personas(first: 1) { totalCount } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", origin);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private async Task<ClientWebSocket> ConnectAsync(string? origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        if (origin is not null)
            socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        try
        {
            await socket.ConnectAsync(new UriBuilder(server.GraphQLEndpoint) { Scheme = "ws" }.Uri, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public sealed class AllowingServer : ConfiguredSqliteServer
    {
        public AllowingServer()
        {
            Set("Cors:AllowedOrigins:0", Allowed);
            Set("Cors:AllowedOrigins:1", AnyPortHost + ":*");
            Set("Cors:AllowCredentials", "true");
            Set("Cors:MaxAge", "00:02:00");
        }
    }
}
