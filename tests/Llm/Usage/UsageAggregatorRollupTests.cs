using System.Globalization;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Llm.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// Usage read from hourly rollups plus the raw rows of the hours they do not hold: counts, sums, cost and cached share
/// equal the reference exactly, and every percentile estimate lies within the histogram buckets of the exact value, for
/// every grouping in every whole-hour zone, on SQLite and PostgreSQL. The raw rows of the rolled-up hours are deleted
/// before the check, so the answer can only have come from the rollups.
/// </summary>
public sealed class UsageAggregatorRollupTests
{
    private static readonly UsageDimension[] Dimensions =
        [UsageDimension.Hour, UsageDimension.Day, UsageDimension.Week, UsageDimension.Provider, UsageDimension.Model, UsageDimension.Persona, UsageDimension.User];

    private static readonly Viewer Admin = new(Guid.Parse("ad000000-0000-4000-8000-000000000000"), IsAdmin: true);

    /// <summary>Mid-range: hours before <c>Now − RecomputeHours</c> come from rollups, the later ones from raw rows.</summary>
    private static readonly DateTimeOffset Now = new(2026, 10, 29, 10, 20, 0, TimeSpan.Zero);

    // Not on the hour, so that both ends of the range have a part-hour read from raw rows.
    private static readonly DateTime From = UsageSeed.From.AddMinutes(30);
    private static readonly DateTime To = UsageSeed.To.AddMinutes(-30);

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task FromRollups_CountsAndSumsAreExact_AndPercentilesLieWithinTheirBuckets(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        await RollUpEverythingAsync(host);
        var aggregator = Aggregator(host);

        // Before the raw rows go: reading them alone stays exact, rollups or not.
        var raw = new UsageQuery(From, To, TimeZoneInfo.Utc, [UsageDimension.Day, UsageDimension.Model]) { Source = UsageSource.Raw };
        Assert.Equal(UsageReference.Aggregate(events, raw).Select(UsageAggregatorTests.Describe).Order(StringComparer.Ordinal),
            (await aggregator.AggregateAsync(raw, Admin, default)).Select(UsageAggregatorTests.Describe).Order(StringComparer.Ordinal));

        var deleted = await DeleteRolledUpRawRowsAsync(host);
        Assert.True(deleted > events.Count / 2, $"only {deleted} raw rows were in rolled-up hours");

        foreach (var zone in new[] { "UTC", "Europe/Berlin", "America/New_York" }.Select(TimeZoneInfo.FindSystemTimeZoneById))
            for (var set = 0; set < 1 << Dimensions.Length; set++)
                foreach (var source in new[] { UsageSource.Auto, UsageSource.Rollups })
                {
                    var query = new UsageQuery(From, To, zone, [.. Dimensions.Where((_, i) => (set & (1 << i)) != 0)]) { Source = source };
                    var what = $"{source} {zone.Id} [{string.Join(", ", query.GroupBy)}]";
                    var expected = UsageReference.Aggregate(events, query);
                    var actual = await aggregator.AggregateAsync(query, Admin, default);
                    Assert.Equal(expected.Select(Counts).Order(StringComparer.Ordinal), actual.Select(Counts).Order(StringComparer.Ordinal));
                    AssertWithinBuckets(events, query, actual, what);
                }
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task InAZoneOffByHalfAnHour_AutoReadsRawRowsExactly_AndRollupsAreRefused(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        await RollUpEverythingAsync(host);
        var aggregator = Aggregator(host);
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var query = new UsageQuery(From, To, kolkata, [UsageDimension.Hour, UsageDimension.Model]);

        var actual = await aggregator.AggregateAsync(query, Admin, default);

        Assert.All(actual, b => Assert.False(b.PercentilesEstimated));
        Assert.Equal(UsageReference.Aggregate(events, query).Select(UsageAggregatorTests.Describe).Order(StringComparer.Ordinal),
            actual.Select(UsageAggregatorTests.Describe).Order(StringComparer.Ordinal));
        var refused = await Assert.ThrowsAsync<UsageQueryException>(() => aggregator.AggregateAsync(query with { Source = UsageSource.Rollups }, Admin, default));
        Assert.Equal(UsageQueryException.RollupsNotApplicable, refused.Code);
    }

    /// <summary>
    /// Which rollup level answers is seen from the answers alone: with one level's request counts made a thousand times
    /// too large, only queries read from the other level stay exact. A query that neither groups nor filters by user or
    /// persona reads the per-model level; one that names a user or a persona, or a user's own query, never does.
    /// </summary>
    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task QueriesWithoutUserOrPersona_ReadThePerModelLevel_AndThoseNamingThemNeverDo(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        await RollUpEverythingAsync(host);
        var aggregator = Aggregator(host);
        await DeleteRolledUpRawRowsAsync(host);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var alice = new Viewer(UsageSeed.Alice, IsAdmin: false);

        var perModel = new[]
        {
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.Model])),
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Hour, UsageDimension.Provider]) { Models = ["gpt-4o"] }),
            (Admin, new UsageQuery(From, To, berlin, [])),
        };
        var perUser = new[]
        {
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.User])),
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.Persona])),
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.Model]) { UserIds = [UsageSeed.Bob] }),
            (Admin, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.Model]) { PersonaIds = [UsageSeed.Personas[1]!.Value] }),
            (alice, new UsageQuery(From, To, berlin, [UsageDimension.Day, UsageDimension.Model])),
        };

        await host.ReadAsync(db => db.UsageRollups.ExecuteUpdateAsync(r => r.SetProperty(x => x.Requests, x => x.Requests * 1000)));
        foreach (var (viewer, query) in perModel)
            await AssertExactAsync(aggregator, events, viewer, query with { Source = UsageSource.Rollups });

        await host.ReadAsync(db => db.UsageRollups.ExecuteUpdateAsync(r => r.SetProperty(x => x.Requests, x => x.Requests / 1000)));
        await host.ReadAsync(db => db.UsageModelRollups.ExecuteUpdateAsync(r => r.SetProperty(x => x.Requests, x => x.Requests * 1000)));
        foreach (var (viewer, query) in perUser)
            await AssertExactAsync(aggregator, events, viewer, query with { Source = UsageSource.Rollups });
    }

    private static async Task AssertExactAsync(UsageAggregator aggregator, List<UsageEvent> events, Viewer viewer, UsageQuery query)
    {
        var seen = viewer.IsAdmin ? query : query with { UserIds = [viewer.UserId] };
        var actual = await aggregator.AggregateAsync(query, viewer, default);
        Assert.NotEmpty(actual);
        Assert.All(actual, b => Assert.True(b.PercentilesEstimated));
        Assert.Equal(UsageReference.Aggregate(events, seen).Select(Counts).Order(StringComparer.Ordinal), actual.Select(Counts).Order(StringComparer.Ordinal));
    }

    /// <summary>Deletes the raw rows of the hours read from rollups, so that an answer for them can only come from rollups.</summary>
    private static Task<int> DeleteRolledUpRawRowsAsync(UsageDatabaseHost host)
    {
        var final = Now.UtcDateTime.Date.AddHours(Now.Hour - new UsageRollupOptions().RecomputeHours);
        return host.ReadAsync(db => db.UsageEvents.Where(u => u.CreatedAt >= From.AddMinutes(30) && u.CreatedAt < final).ExecuteDeleteAsync());
    }

    private static async Task RollUpEverythingAsync(UsageDatabaseHost host)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(UsageSeed.To.AddHours(3)));
        var job = new UsageRollupJob(host.Contexts, clock, Options.Create(new UsageRollupOptions { MaxHoursPerRun = 1000 }));
        await job.RunAsync(default);
    }

    private static UsageAggregator Aggregator(UsageDatabaseHost host) => new(host.Contexts,
        Options.Create(new UsageQueryOptions { MaxBuckets = 100_000 }), Options.Create(new UsageRollupOptions()), new FakeTimeProvider(Now));

    /// <summary>Keys, counts, sums, cost (to the millionth: SQLite sums doubles) and cached share; no percentiles.</summary>
    private static string Counts(UsageBucket b) => string.Join('|', UsageAggregatorTests.Describe(b).Split('|').Take(16)
        .Append(b.CachedShare.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>
    /// Each estimate, and the exact value, lie between the lower bound of the bucket of the value below the percentile's
    /// position and the upper bound of the bucket of the value above it (one bucket when both are in the same).
    /// </summary>
    private static void AssertWithinBuckets(List<UsageEvent> events, UsageQuery query, IReadOnlyList<UsageBucket> actual, string what)
    {
        var groups = UsageReference.Rows(events, query).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var bucket in actual)
        {
            Assert.True(bucket.PercentilesEstimated, what);
            var rows = groups[bucket.Key];
            double[] latencies = [.. rows.Select(u => (double)u.LatencyMs)];
            double[] ttfts = [.. rows.Where(u => u.TimeToFirstTokenMs is not null).Select(u => (double)u.TimeToFirstTokenMs!.Value)];
            AssertWithinBucket(latencies, 0.5, bucket.LatencyP50Ms, what);
            AssertWithinBucket(latencies, 0.95, bucket.LatencyP95Ms, what);
            AssertWithinBucket(latencies, 0.99, bucket.LatencyP99Ms, what);
            AssertWithinBucket(ttfts, 0.5, bucket.TimeToFirstTokenP50Ms, what);
            AssertWithinBucket(ttfts, 0.95, bucket.TimeToFirstTokenP95Ms, what);
        }
    }

    private static void AssertWithinBucket(double[] values, double fraction, double? estimate, string what)
    {
        var exact = UsageReference.PercentileCont(values, fraction);
        if (exact is null)
        {
            Assert.Null(estimate);
            return;
        }
        Array.Sort(values);
        var position = fraction * (values.Length - 1);
        var low = UsageHistogram.Lower(UsageHistogram.BucketOf(values[(int)Math.Floor(position)]));
        var high = UsageHistogram.Upper(UsageHistogram.BucketOf(values[(int)Math.Ceiling(position)]));
        Assert.InRange(exact.Value, low, high);
        Assert.NotNull(estimate);
        Assert.True(estimate >= low && estimate < high, $"{what}: p{fraction * 100} estimated {estimate}, exact {exact}, buckets [{low}, {high})");
    }
}
