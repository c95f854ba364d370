using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Tests.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>
/// A <see cref="StubProviderServer"/> that also has <see cref="KeyOnly"/>: an OpenAI provider at the same stub with no
/// server key, usable only with a user's own key. Every log entry, at every level, is captured as text.
/// </summary>
public abstract class ProviderKeyServer : StubProviderServer
{
    public const string KeyOnly = "byok";
    public const string KeyOnlyModel = "gpt-byok";

    public CapturedLogs Logs { get; } = new();

    protected abstract Task<TestDatabase> CreateKeyDatabaseAsync();

    protected sealed override Task<TestDatabase> CreateDatabaseCoreAsync()
    {
        const string path = "Llm:Providers:" + KeyOnly;
        Set(path + ":Kind", "openai");
        Set(path + ":Endpoint", Stub.OpenAIEndpoint.ToString());
        Set(path + ":Resilience:MaxRetries", "0");
        Set($"{path}:Models:{KeyOnlyModel}:ContextWindow", "8192");
        Set($"{path}:Models:{KeyOnlyModel}:MaxOutputTokens", StubProvider.ModelMaxOutputTokens.ToString(CultureInfo.InvariantCulture));
        return CreateKeyDatabaseAsync();
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddLogging(logging =>
    {
        logging.AddProvider(Logs);
        // Everything, whatever appsettings filter for the console: request headers (Trace), EF Core, Data Protection.
        logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Trace);
    });
}

public sealed class SqliteProviderKeyServer : ProviderKeyServer
{
    protected override Task<TestDatabase> CreateKeyDatabaseAsync() => Task.FromResult(TestDatabase.CreateSqlite());
}

public sealed class PostgresProviderKeyServer : ProviderKeyServer
{
    protected override Task<TestDatabase> CreateKeyDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}

/// <summary>The provider key operations these tests send, and what they read back.</summary>
internal static class ProviderKeyApi
{
    public const string Set = """
        mutation($input: SetProviderKeyInput!) {
          setProviderKey(input: $input) { providerKey { provider isSet lastFour updatedAt } userErrors { message code field } }
        }
        """;

    public const string Remove = """
        mutation($input: RemoveProviderKeyInput!) {
          removeProviderKey(input: $input) { removed providerKey { provider isSet lastFour updatedAt } userErrors { message code field } }
        }
        """;

    public const string Providers = "{ providers { name usable acceptsUserKeys myKey { provider isSet lastFour updatedAt } } }";

    public static Task<JsonObject> SetKeyAsync(this PlatformServer server, string provider, string apiKey) =>
        server.PostGraphQLAsync(Set, new { input = new { provider, apiKey } });

    public static Task<JsonObject> RemoveKeyAsync(this PlatformServer server, string provider) =>
        server.PostGraphQLAsync(Remove, new { input = new { provider } });

    /// <summary>Each user error as "CODE input.field".</summary>
    public static List<string> UserErrors(this JsonNode result, string mutation) =>
        [.. result.At($"data.{mutation}.userErrors")!.AsArray()
            .Select(e => $"{e!["code"]!.GetValue<string>()} {string.Join('.', e["field"]?.AsArray().Select(f => f!.GetValue<string>()) ?? [])}")];

    /// <summary>Runs a generation to its end on one of the server's stub providers and returns the bearer token the stub was called with.</summary>
    public static async Task<string> GenerateAndReadBearerAsync(this StubProviderServer server, string provider, string? model = null)
    {
        var calls = server.Stub.Requests.Count;
        var generation = await server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: provider, model: model));
        Assert.Equal("COMPLETED", (await server.WaitUntilFinishedAsync(generation.String("id")!)).String("status"));
        var authorization = (await server.Stub.WaitForRequestAsync(calls + 1)).Headers["Authorization"];
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }
}
