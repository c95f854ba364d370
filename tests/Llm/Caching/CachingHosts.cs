using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Tests.Limits;
using LlmPlatform.Llm.Tests.Providers;

namespace LlmPlatform.Llm.Tests.Caching;

/// <summary>An openai-compatible provider on a stub, with prices, so that a replayed reply's zero cost means something.</summary>
public class CachingHost : OpenAICompatibleHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Nothing here waits on a silent provider: a loaded machine must not turn a slow first token into a failure.
    public override TimeSpan IdleTimeout => TimeSpan.FromSeconds(15);

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Models:{Model}:InputCostPerMillion", "1000"),
        new($"Llm:Providers:{Provider}:Models:{Model}:OutputCostPerMillion", "2000"),
    ];

    /// <summary>Provider calls whose prompt was <paramref name="prompt"/>.</summary>
    public int CallsFor(string prompt) => Stub.Requests.Count(r => r.Messages.Any(m => m.Role == "user" && m.Content == prompt));

    /// <summary>A generation on this host's provider, run to its end; temperature 0 and the cache asked for unless told otherwise.</summary>
    public async Task<List<GenerationEvent>> GenerateAsync(
        string prompt, double? temperature = 0, bool? cache = true, Guid? user = null, Guid? personaId = null, bool useHostProvider = true)
    {
        var owner = user ?? LocalUser.Id;
        var start = await Get<GenerationService>().StartAsync(
            new GenerationRequest(null, personaId, prompt, useHostProvider ? Provider : null, useHostProvider ? Model : null, temperature, null, Cache: cache),
            owner, "user:" + owner, default);
        Assert.Empty(start.Errors);
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<GenerationEvent>();
        await foreach (var e in Get<GenerationService>().WatchAsync(start.Started!.GenerationId, null, new Viewer(owner, false), timeout.Token))
            events.Add(e);
        return events;
    }
}

/// <summary>A <see cref="CachingHost"/> whose cache is in Redis, under a prefix two instances can share.</summary>
public sealed class RedisCachingHost(string cachePrefix) : CachingHost, IAsyncDisposable
{
    public static async Task<RedisCachingHost> StartAsync(string cachePrefix)
    {
        var host = new RedisCachingHost(cachePrefix);
        await host.InitializeAsync();
        return host;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        .. base.ProviderSettings,
        new("ConnectionStrings:Redis", TestRedis.ConnectionString),
        new("Llm:Cache:RedisKeyPrefix", cachePrefix),
    ];
}
