using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>
/// `trackEvent` is limited per caller per minute: past the limit it is refused with RATE_LIMITED and the wait, and
/// stores nothing; bad input costs no quota; the next minute allows it again; with Redis, instances share the count.
/// The limiters count on a fake clock that only the tests move.
/// </summary>
public sealed class AnalyticsEventRateLimitTests(AnalyticsEventRateLimitTests.LimitedServer server) : IClassFixture<AnalyticsEventRateLimitTests.LimitedServer>
{
    public const int Limit = 3;

    // 10 s into a minute, so the wait until the next is known.
    private static DateTimeOffset MinuteStart() => new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddSeconds(10);

    public sealed class LimitedServer : ConfiguredSqliteServer
    {
        public LimitedServer() => Set("Analytics:Events:RequestsPerMinute", Limit.ToString(CultureInfo.InvariantCulture));

        public FakeTimeProvider Clock { get; } = new(MinuteStart());

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IEventRateLimiter>(sp => new InMemoryEventRateLimiter(sp.GetRequiredService<IOptions<AnalyticsEventOptions>>(), Clock));
    }

    [Fact]
    public async Task TrackEvent_PastTheLimit_RateLimitedWithTheWaitAndStoresNothing_BadInputCostsNothing_NextMinuteAllowed()
    {
        server.Clock.SetUtcNow(MinuteStart().AddMinutes(5));
        Assert.Equal(["INVALID"], await TrackAsync(server, "Bad Name"));
        for (var i = 0; i < Limit; i++)
            Assert.Empty(await TrackAsync(server, "limited.ok"));
        var before = await server.CountAsync<AnalyticsEvent>();

        var refused = await server.PostGraphQLAsync(AnalyticsEventMutationsTests.Track, Input("limited.over"));

        Assert.Equal("RATE_LIMITED", refused.ShouldHaveNoErrors().String("data.trackEvent.userErrors[0].code"));
        Assert.Equal(50, refused.Int("data.trackEvent.userErrors[0].retryAfter"));
        Assert.Null(refused.At("data.trackEvent.event"));
        Assert.Equal(before, await server.CountAsync<AnalyticsEvent>());

        server.Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Empty(await TrackAsync(server, "limited.next"));
        Assert.Equal(before + 1, await server.CountAsync<AnalyticsEvent>());
    }

    [Fact]
    public async Task TrackEvent_TwoInstancesOnRedis_ShareOneLimit()
    {
        var clock = new FakeTimeProvider(MinuteStart());
        await using var instances = await TestServers.Sqlite().WithRedis()
            .With("Analytics:Events:RequestsPerMinute", Limit.ToString(CultureInfo.InvariantCulture))
            .WithServices(services => services.AddSingleton<IEventRateLimiter>(sp => new RedisEventRateLimiter(
                sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<AnalyticsEventOptions>>(), clock,
                sp.GetRequiredService<ILogger<RedisEventRateLimiter>>())))
            .Instances(2).StartAsync();
        var (a, b) = (instances[0], instances[1]);

        Assert.Empty(await TrackAsync(a, "shared.one"));
        Assert.Empty(await TrackAsync(b, "shared.two"));
        Assert.Empty(await TrackAsync(a, "shared.three"));
        Assert.Equal(["RATE_LIMITED"], await TrackAsync(b, "shared.four"));
        Assert.Equal(["RATE_LIMITED"], await TrackAsync(a, "shared.four"));
        Assert.Equal(Limit, await a.CountAsync<AnalyticsEvent>());

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await TrackAsync(b, "shared.five"));
    }

    private static async Task<List<string>> TrackAsync(PlatformServer on, string name) =>
        (await on.PostGraphQLAsync(AnalyticsEventMutationsTests.Track, Input(name))).ShouldHaveNoErrors()
            .At("data.trackEvent.userErrors")!.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToList();

    private static JsonObject Input(string name) => new() { ["input"] = new JsonObject { ["name"] = name } };
}
