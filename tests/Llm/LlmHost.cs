using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Providers;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Tests;

/// <summary>The data and LLM layers in a host of their own, over a throwaway SQLite file, started like the server starts them.</summary>
public class LlmHost : IAsyncLifetime
{
    /// <summary>The caller the tests' generations count against.</summary>
    public const string RateLimitKey = "user:local";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"llmplatform-llm-{Guid.NewGuid():N}.db");
    private IHost? _host;

    public IServiceProvider Services => _host!.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Settings for this host; the echo provider answers at once unless a test class says otherwise.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Llm:Providers:echo:Kind", "Echo"),
        new("Llm:Providers:echo:EchoTokenDelay", "00:00:00"),
        new("Llm:Providers:echo:EchoReplyTokens", "12"),
        new("Llm:Generation:CancelWhenUnwatchedAfter", "00:00:00"),
        // The limits have tests of their own; here they would only make the number of tests in a class matter.
        new("Llm:RateLimits:Enabled", "false"),
    ];

    /// <summary>Settings with one value per key: a later value for a key wins.</summary>
    protected static IEnumerable<KeyValuePair<string, string?>> Merge(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).Select(g => g.Last());

    /// <summary>A last say over the host before it is built (a test logger, say); settings belong in <see cref="Settings"/>.</summary>
    protected virtual void ConfigureHost(HostApplicationBuilder builder)
    {
    }

    public virtual async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Sqlite", $"Data Source={_path}"), .. Settings]);
        builder.AddData();
        builder.AddLlm();
        ConfigureHost(builder);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    /// <summary>A user of their own per test, so tests sharing a host never see each other's keys or generations.</summary>
    public Task<Guid> AddUserAsync() => ReadAsync(async db =>
    {
        var id = Guid.NewGuid();
        db.Users.Add(new PlatformUser { Id = id, UserName = "u-" + id.ToString("N"), SecurityStamp = id.ToString(), CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return id;
    });

    /// <summary>Every event of a generation, from its start to its final event.</summary>
    public async Task<List<GenerationEvent>> WatchAllAsync(Guid generationId, Action<GenerationEvent>? onEvent = null, Guid? userId = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<GenerationEvent>();
        await foreach (var e in Get<GenerationService>().WatchAsync(generationId, null, new Viewer(userId ?? LocalUser.Id, false), timeout.Token))
        {
            events.Add(e);
            onEvent?.Invoke(e);
        }
        return events;
    }

    /// <summary>
    /// Calls a provider once straight through its connector: the first call JIT-compiles the connector's whole path (about
    /// a second, more with hosts starting in parallel), paid here where no idle timeout is watching. A host with a short
    /// provider timeout may need a second go.
    /// </summary>
    public Task WarmUpAsync(string provider, string model) => WarmUpAsync(Get<ProviderRegistry>().Find(provider)!.GetService(model));

    /// <summary>The same, for one service (a deployment's).</summary>
    public static async Task WarmUpAsync(IChatCompletionService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var history = new ChatHistory();
        history.AddUserMessage("warm up");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await foreach (var chunk in service.GetStreamingChatMessageContentsAsync(history))
                    Assert.NotNull(chunk);
                break;
            }
            catch (Exception) when (attempt < 5)
            {
                // Timed out while compiling; the next attempt finds it compiled.
            }
        }
    }

    public async Task<T> ReadAsync<T>(Func<PlatformDbContext, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var db = await Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        return await read(db);
    }
}

/// <summary>An echo provider slow enough to cancel mid-reply.</summary>
public sealed class SlowEchoHost : LlmHost
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Llm:Providers:echo:Kind", "Echo"),
        new("Llm:Providers:echo:EchoTokenDelay", "00:00:00.050"),
        new("Llm:Providers:echo:EchoReplyTokens", "1000"),
        new("Llm:Generation:CancelWhenUnwatchedAfter", "00:00:00"),
        new("Llm:RateLimits:Enabled", "false"),
    ];
}
