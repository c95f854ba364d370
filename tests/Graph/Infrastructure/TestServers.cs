using LlmPlatform.Llm.Tests.Limits;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// Builds test servers: <c>TestServers.Postgres().WithRedis().WithCertificates().With("key", "value").Instances(2)</c>,
/// then <see cref="StartAsync"/> for real Kestrel hosts in this process (127.0.0.1, a port the OS picks) or
/// <see cref="StartProcessAsync"/> for the app in a process of its own. Several instances share one database, one
/// Redis key prefix (unique to this build) and one pair of token certificates, as the instances of a deployment do.
/// </summary>
public sealed class TestServers
{
    /// <summary>
    /// What every test server gets unless a test says otherwise (a null value leaves a setting to the app's default).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["Data:MigrateOnStartup"] = "true",
        // Most tests are about what a user sees, not about sign-in: they act as the local user unless a server
        // turns this off (the auth tests do, and prove it is off outside Development).
        ["Auth:AnonymousAsLocalUser"] = "true",
        // Every test calls from 127.0.0.1, so per-caller limits would make the number of tests in a class matter;
        // the servers of the rate-limit tests turn them on.
        ["Llm:RateLimits:Enabled"] = "false",
        // The leader's jobs (orphan sweeps, usage rollups) query the database on their own schedule, which tests that
        // count statements would see; the tests of the worker and of lost instances turn it on.
        ["Worker:Enabled"] = "false",
    };

    /// <summary>The settings that name Redis keys: each gets this build's prefix, so tests never see each other's keys.</summary>
    private static readonly (string Setting, string Suffix)[] RedisKeyPrefixes =
    [
        ("Llm:RateLimits:RedisKeyPrefix", "ratelimit:"),
        ("Worker:RedisKeyPrefix", "worker:"),
        ("Llm:Generation:RedisKeyPrefix", "generation:"),
        ("Analytics:Events:RedisKeyPrefix", "events:"),
        ("Budgets:RedisKeyPrefix", "budget:"),
    ];

    private readonly Func<Task<TestDatabase>> _createDatabase;
    private readonly Dictionary<string, string?> _settings = new(Defaults, StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _services = [];
    private string _environment = "Testing";
    private bool _redis;
    private bool _certificates;
    private int _instances = 1;

    private TestServers(Func<Task<TestDatabase>> createDatabase) => _createDatabase = createDatabase;

    /// <summary>Servers on a new SQLite file.</summary>
    public static TestServers Sqlite() => new(() => Task.FromResult(TestDatabase.CreateSqlite()));

    /// <summary>Servers on a new database of the test PostgreSQL.</summary>
    public static TestServers Postgres() => new(TestDatabase.CreatePostgresAsync);

    /// <summary>Servers on a database someone else owns (and drops).</summary>
    public static TestServers On(TestDatabase database) => new(() => Task.FromResult(TestDatabase.Borrow(database)));

    /// <summary>A setting, as a configuration key ("Auth:Issuer"); null leaves it to the app's default.</summary>
    public TestServers With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public TestServers InEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    /// <summary>The test Redis (<see cref="TestRedis"/>), with key prefixes no other build uses.</summary>
    public TestServers WithRedis()
    {
        _redis = true;
        return this;
    }

    /// <summary>One signing and one encryption certificate, the same for every instance (required in Production).</summary>
    public TestServers WithCertificates()
    {
        _certificates = true;
        return this;
    }

    /// <summary>Services added or replaced after the app's own (in-process servers only).</summary>
    public TestServers WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    public TestServers Instances(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _instances = count;
        return this;
    }

    /// <summary>Starts the instances in this process, one after the other (the first migrates the database).</summary>
    public async Task<TestInstances> StartAsync()
    {
        var resources = await PrepareAsync();
        var instances = new TestInstances(resources);
        try
        {
            for (var i = 0; i < _instances; i++)
            {
                var server = new BuiltServer(resources.Database, resources.Settings, _environment, _services);
                instances.Add(server);
                await server.InitializeAsync();
            }
            return instances;
        }
        catch
        {
            await instances.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one instance as a process of its own (the built app, settings as environment variables).</summary>
    public async Task<ServerProcess> StartProcessAsync()
    {
        var process = new ServerProcess(await PrepareAsync(), _environment, ownsResources: true);
        try
        {
            await process.StartAsync();
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the instances as processes of their own, one after the other, sharing what a build shares.</summary>
    public async Task<ServerProcesses> StartProcessesAsync()
    {
        var processes = new ServerProcesses(await PrepareAsync());
        try
        {
            for (var i = 0; i < _instances; i++)
            {
                var process = new ServerProcess(processes.Resources, _environment, ownsResources: false);
                processes.Add(process);
                await process.StartAsync();
            }
            return processes;
        }
        catch
        {
            await processes.DisposeAsync();
            throw;
        }
    }

    private async Task<SharedResources> PrepareAsync()
    {
        var database = await _createDatabase();
        var resources = new SharedResources(database);
        var (key, value) = database.ConnectionSetting;
        resources.Set(key, value);
        if (_certificates)
            resources.AddCertificates();
        if (_redis)
        {
            resources.RedisKeyPrefix = TestRedis.UniquePrefix();
            resources.Set("ConnectionStrings:Redis", TestRedis.ConnectionString);
            foreach (var (setting, suffix) in RedisKeyPrefixes)
                resources.Set(setting, resources.RedisKeyPrefix + suffix);
        }
        // The test's own settings win over the shared ones (a test may point Redis elsewhere).
        foreach (var (name, setting) in _settings)
            resources.Set(name, setting);
        return resources;
    }

    /// <summary>An in-process instance with the settings and services of a build.</summary>
    private sealed class BuiltServer : PlatformServer
    {
        private readonly TestDatabase _database;
        private readonly string _environment;
        private readonly IReadOnlyList<Action<IServiceCollection>> _services;

        public BuiltServer(TestDatabase shared, IReadOnlyDictionary<string, string?> settings, string environment, IReadOnlyList<Action<IServiceCollection>> services)
        {
            _database = TestDatabase.Borrow(shared);
            _environment = environment;
            _services = services;
            foreach (var (key, value) in settings)
                Set(key, value);
        }

        protected override string Environment => _environment;

        protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(_database);

        protected override void ConfigureServices(IServiceCollection services)
        {
            foreach (var configure in _services)
                configure(services);
        }
    }
}

/// <summary>
/// What the instances of one build share and the build owns: the database, the certificates' directory, the Redis
/// keys under its prefix. Gone when the build is disposed.
/// </summary>
public sealed class SharedResources(TestDatabase database) : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private string? _certificates;

    public TestDatabase Database { get; } = database;

    /// <summary>The prefix of every Redis key the instances write, or null without Redis.</summary>
    public string? RedisKeyPrefix { get; internal set; }

    /// <summary>Every setting the instances start with; null values are left unset.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    internal void Set(string key, string? value) => _settings[key] = value;

    internal void AddCertificates()
    {
        _certificates = Directory.CreateTempSubdirectory("llmplatform-certs").FullName;
        TestCertificates.Apply(Set, _certificates);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_certificates is not null)
            Directory.Delete(_certificates, recursive: true);
        if (RedisKeyPrefix is not null)
            await TestRedis.DeleteKeysAsync(RedisKeyPrefix);
    }
}

/// <summary>Started in-process instances of one build; disposing stops them all and drops what they shared.</summary>
public sealed class TestInstances(SharedResources resources) : IAsyncDisposable
{
    private readonly List<PlatformServer> _servers = [];

    public SharedResources Resources { get; } = resources;

    public PlatformServer this[int index] => _servers[index];

    public int Count => _servers.Count;

    internal void Add(PlatformServer server) => _servers.Add(server);

    public async ValueTask DisposeAsync()
    {
        for (var i = _servers.Count - 1; i >= 0; i--)
            await _servers[i].DisposeAsync();
        await Resources.DisposeAsync();
    }
}

/// <summary>Server processes of one build; disposing kills them all and drops what they shared.</summary>
public sealed class ServerProcesses(SharedResources resources) : IAsyncDisposable
{
    private readonly List<ServerProcess> _processes = [];

    public SharedResources Resources { get; } = resources;

    public ServerProcess this[int index] => _processes[index];

    public int Count => _processes.Count;

    internal void Add(ServerProcess process) => _processes.Add(process);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        await Resources.DisposeAsync();
    }
}
