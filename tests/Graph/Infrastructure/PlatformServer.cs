using System.Text.Json.Nodes;
using LlmPlatform.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 (a port the OS picks), over its own throwaway database.
/// One instance serves one test class; tests create the data they need and compare counts before and after.
/// </summary>
public abstract class PlatformServer : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private WebApplicationFactory<Program>? _factory;
    private TestDatabase? _database;

    /// <summary>Which database this server runs on: "SQLite" or "PostgreSQL".</summary>
    public string DatabaseName => _database?.Name ?? "";

    public SqlStatementCounter Sql { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The absolute GraphQL endpoint, for clients outside this process (node, benchmarks).</summary>
    public Uri GraphQLEndpoint => new(Client.BaseAddress!, "/graphql");

    /// <summary>The GraphQL endpoint as a WebSocket address.</summary>
    public Uri WebSocketEndpoint => new UriBuilder(GraphQLEndpoint) { Scheme = "ws" }.Uri;

    public IServiceProvider Services => _factory!.Services;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>Settings a derived server changes (limits, environment) before it starts; null leaves one unset.</summary>
    protected void Set(string key, string? value) => _settings[key] = value;

    protected virtual string Environment => "Testing";

    /// <summary>The port to listen on; 0 lets the OS pick one (a server whose settings name its own address picks first).</summary>
    protected virtual int Port => 0;

    /// <summary>Services a derived server adds or replaces (test doubles), after the app registered its own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        var (key, value) = _database.ConnectionSetting;
        _settings[key] = value;
        foreach (var (name, setting) in TestServers.Defaults)
            _settings.TryAdd(name, setting);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(Environment);
            // A null setting stays unset, so the app's own default (often by environment) applies.
            foreach (var (name, setting) in _settings.Where(s => s.Value is not null))
                web.UseSetting(name, setting);
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<IInterceptor>(Sql);
                ConfigureServices(services);
            });
        });
        // 127.0.0.1 only: "localhost:0" binds IPv4 and IPv6 separately and can collide with another server.
        _factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, Port));
        _factory.StartServer();
        Client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }

    /// <summary>POSTs an operation and returns the parsed response body; fails on a non-JSON answer.</summary>
    public Task<JsonObject> PostGraphQLAsync(string query, object? variables = null, string? operationName = null) =>
        Client.PostGraphQLAsync(query, variables, operationName);

    public Task<HttpResponseMessage> PostGraphQLRawAsync(string query, object? variables = null, string? operationName = null, string accept = GraphQLHttp.GraphQLResponse) =>
        Client.PostGraphQLRawAsync(query, variables, operationName, accept);

    /// <summary>Runs <paramref name="read"/> on a fresh context of the server's database.</summary>
    public async Task<T> ReadAsync<T>(Func<PlatformDbContext, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var db = await Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        return await read(db);
    }

    public Task<int> CountAsync<TEntity>() where TEntity : class => ReadAsync(db => db.Set<TEntity>().CountAsync());
}

public sealed class SqliteServer : PlatformServer
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.CreateSqlite());
}

public sealed class PostgresServer : PlatformServer
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}
