using System.Globalization;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// The providers a server is given besides echo: <see cref="Name"/>, an OpenAI-compatible endpoint served by an
/// <see cref="OpenAICompatibleStub"/>, and <see cref="Keyless"/>, an OpenAI provider without a key (listed, unusable).
/// </summary>
public static class StubProvider
{
    public const string Name = "stub";
    public const string ApiKey = "sk-stub-key-for-tests";

    /// <summary>The stub's default model: a roomy window, priced so usage has a cost.</summary>
    public const string Model = "stub-chat";
    public const int ModelContextWindow = 8192;
    public const int ModelMaxOutputTokens = 1024;
    public const decimal InputCostPerMillion = 2m;
    public const decimal OutputCostPerMillion = 10m;

    /// <summary>A model whose window holds only a few hundred tokens of history.</summary>
    public const string SmallModel = "stub-small";
    public const int SmallModelContextWindow = 512;
    public const int SmallModelMaxOutputTokens = 64;

    public const string Keyless = "keyless";
    public const string KeylessModel = "gpt-keyless";

    /// <summary>The longest prompt the server accepts: small, so a test can exceed it cheaply.</summary>
    public const int MaxPromptLength = 4000;

    /// <summary>The most messages a conversation may hold: small, so a test can fill one cheaply.</summary>
    public const int MaxMessagesPerConversation = 64;

    /// <summary>Starts a stub and passes <paramref name="set"/> the settings that make it provider <see cref="Name"/>.</summary>
    public static async Task<OpenAICompatibleStub> StartAsync(Action<string, string?> set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var stub = await OpenAICompatibleStub.StartAsync();
        const string stubPath = "Llm:Providers:" + Name;
        set(stubPath + ":Kind", "openai-compatible");
        set(stubPath + ":Endpoint", stub.OpenAIEndpoint.ToString());
        set(stubPath + ":ApiKey", ApiKey);
        set(stubPath + ":DefaultModel", Model);
        // A failed call is a failure at once: no test here is about retries.
        set(stubPath + ":Resilience:MaxRetries", "0");
        set($"{stubPath}:Models:{Model}:ContextWindow", Number(ModelContextWindow));
        set($"{stubPath}:Models:{Model}:MaxOutputTokens", Number(ModelMaxOutputTokens));
        set($"{stubPath}:Models:{Model}:InputCostPerMillion", InputCostPerMillion.ToString(CultureInfo.InvariantCulture));
        set($"{stubPath}:Models:{Model}:OutputCostPerMillion", OutputCostPerMillion.ToString(CultureInfo.InvariantCulture));
        set($"{stubPath}:Models:{SmallModel}:ContextWindow", Number(SmallModelContextWindow));
        set($"{stubPath}:Models:{SmallModel}:MaxOutputTokens", Number(SmallModelMaxOutputTokens));

        const string keylessPath = "Llm:Providers:" + Keyless;
        set(keylessPath + ":Kind", "openai");
        set($"{keylessPath}:Models:{KeylessModel}:ContextWindow", "128000");
        set($"{keylessPath}:Models:{KeylessModel}:MaxOutputTokens", "16384");

        set("Llm:Generation:MaxPromptLength", Number(MaxPromptLength));
        set("Llm:Generation:MaxMessagesPerConversation", Number(MaxMessagesPerConversation));
        return stub;
    }

    /// <summary>The whole reply the stub streams by default.</summary>
    public static string DefaultReply => string.Concat(StubServer.DefaultTokens);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A server whose providers are echo and <see cref="StubProvider"/>'s, over the database a subclass picks. For
/// generations that write rows: every such test runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class StubProviderServer : PlatformServer, IAsyncLifetime
{
    public OpenAICompatibleStub Stub { get; private set; } = null!;

    protected abstract Task<TestDatabase> CreateDatabaseCoreAsync();

    protected sealed override async Task<TestDatabase> CreateDatabaseAsync()
    {
        // The server reads its settings right after this: the stub must be listening, at an address known, by then.
        Stub = await StubProvider.StartAsync(Set);
        return await CreateDatabaseCoreAsync();
    }

    /// <summary>Stops the server, then the stub it calls.</summary>
    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stub is not null)
            await Stub.DisposeAsync();
    }
}

public sealed class SqliteStubProviderServer : StubProviderServer
{
    protected override Task<TestDatabase> CreateDatabaseCoreAsync() => Task.FromResult(TestDatabase.CreateSqlite());
}

public sealed class PostgresStubProviderServer : StubProviderServer
{
    protected override Task<TestDatabase> CreateDatabaseCoreAsync() => TestDatabase.CreatePostgresAsync();
}

/// <summary>
/// A <see cref="StreamingServer"/> (SQLite, an unwatched generation is cancelled at once) that also has
/// <see cref="StubProvider"/>'s providers: for streaming a real connector's reply through the transports.
/// </summary>
public sealed class StubStreamingServer : StreamingServer, IAsyncLifetime
{
    public OpenAICompatibleStub Stub { get; private set; } = null!;

    protected override async Task<TestDatabase> CreateDatabaseAsync()
    {
        // The server reads its settings right after this: the stub must be listening, at an address known, by then.
        Stub = await StubProvider.StartAsync(Set);
        return await base.CreateDatabaseAsync();
    }

    /// <summary>Stops the server, then the stub it calls.</summary>
    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stub is not null)
            await Stub.DisposeAsync();
    }
}
