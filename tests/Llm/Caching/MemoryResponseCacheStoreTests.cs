using LlmPlatform.Llm.Caching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Caching;

public sealed class MemoryResponseCacheStoreTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Entry_IsServedUntilItsTimeToLive_ThenGone()
    {
        var store = Store(new ResponseCacheOptions());
        await store.SetAsync("k", [1, 2, 3], Ttl, default);

        _clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        var before = await store.GetAsync("k", default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = await store.GetAsync("k", default);

        Assert.Equal([1, 2, 3], before);
        Assert.Null(after);
    }

    [Fact]
    public async Task OverMaxBytes_TheLeastRecentlyUsedGoFirst()
    {
        var store = Store(new ResponseCacheOptions { MaxBytes = 3_000, MaxEntryBytes = 1_000 });
        await store.SetAsync("a", new byte[1_000], Ttl, default);
        await store.SetAsync("b", new byte[1_000], Ttl, default);
        await store.SetAsync("c", new byte[1_000], Ttl, default);
        // Read "a", so "b" is now the least recently used.
        Assert.NotNull(await store.GetAsync("a", default));

        await store.SetAsync("d", new byte[1_000], Ttl, default);

        Assert.Null(await store.GetAsync("b", default));
        Assert.NotNull(await store.GetAsync("a", default));
        Assert.NotNull(await store.GetAsync("c", default));
        Assert.NotNull(await store.GetAsync("d", default));
    }

    [Fact]
    public async Task OverMaxEntries_TheOldestGoesFirst()
    {
        var store = Store(new ResponseCacheOptions { MaxEntries = 2 });
        await store.SetAsync("a", [1], Ttl, default);
        await store.SetAsync("b", [2], Ttl, default);
        await store.SetAsync("c", [3], Ttl, default);

        Assert.Null(await store.GetAsync("a", default));
        Assert.Equal([2], await store.GetAsync("b", default));
        Assert.Equal([3], await store.GetAsync("c", default));
    }

    [Fact]
    public async Task Replacing_AnEntry_CountsItsBytesOnce()
    {
        var store = Store(new ResponseCacheOptions { MaxBytes = 2_000, MaxEntryBytes = 1_000 });
        await store.SetAsync("a", new byte[1_000], Ttl, default);
        await store.SetAsync("b", new byte[1_000], Ttl, default);

        await store.SetAsync("b", new byte[1_000], Ttl, default);

        Assert.NotNull(await store.GetAsync("a", default));
        Assert.NotNull(await store.GetAsync("b", default));
    }

    private MemoryResponseCacheStore Store(ResponseCacheOptions options) => new(Options.Create(options), _clock);
}
