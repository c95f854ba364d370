using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Cors;

/// <summary>
/// What each environment allows without configuration: Development, pages on localhost and 127.0.0.1 on any port;
/// Production, no other origin at all; and a setting that is not an origin stops the server at start-up.
/// </summary>
public sealed class CrossOriginDefaultsTests
{
    [Theory]
    [InlineData("http://localhost:5173", true)]
    [InlineData("http://127.0.0.1:3000", true)]
    [InlineData("http://localhost", true)]
    [InlineData("https://localhost:5173", false)]
    [InlineData("http://example.com", false)]
    [InlineData("http://localhost.example.com:5173", false)]
    public async Task Development_AllowsPagesOnThisMachineOnly(string origin, bool allowed)
    {
        await using var server = new EnvironmentServer("Development");
        await server.InitializeAsync();

        Assert.Equal(allowed, await AllowsAsync(server, origin));
    }

    [Theory]
    [InlineData("http://localhost:5173")]
    [InlineData("http://127.0.0.1:3000")]
    public async Task Testing_WithNothingConfigured_AllowsNoOrigin(string origin)
    {
        await using var server = new EnvironmentServer("Testing");
        await server.InitializeAsync();

        Assert.False(await AllowsAsync(server, origin));
    }

    [Theory]
    [InlineData("http://app.example/path")]
    [InlineData("app.example")]
    [InlineData("ftp://app.example")]
    public async Task OriginSettingThatIsNoOrigin_StopsTheServer(string setting)
    {
        await using var server = new EnvironmentServer("Testing", setting);

        var failure = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

        Assert.Contains("Cors:AllowedOrigins", failure.ToString(), StringComparison.Ordinal);
    }

    private static async Task<bool> AllowsAsync(PlatformServer server, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await server.Client.SendAsync(request);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin;
    }

    private sealed class EnvironmentServer : ConfiguredSqliteServer, IAsyncDisposable
    {
        private readonly string _environment;

        public EnvironmentServer(string environment, string? origin = null)
        {
            _environment = environment;
            if (origin is not null)
                Set("Cors:AllowedOrigins:0", origin);
        }

        protected override string Environment => _environment;

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }
}
