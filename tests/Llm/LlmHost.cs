using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
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
