using System.Globalization;
using LlmPlatform.Data.Queries;
using LlmPlatform.Llm.Usage;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// Every aggregate of every grouping (the power set of the dimensions), in several time zones, equals the reference
/// computed in memory from the same rows, on SQLite and on PostgreSQL.
/// </summary>
public sealed class UsageAggregatorTests
{
    private static readonly UsageDimension[] Dimensions =
        [UsageDimension.Hour, UsageDimension.Day, UsageDimension.Week, UsageDimension.Provider, UsageDimension.Model, UsageDimension.Persona, UsageDimension.User];

    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];

    private static readonly Viewer Admin = new(Guid.Parse("ad000000-0000-4000-8000-000000000000"), IsAdmin: true);

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task EveryGrouping_InEveryZone_EqualsTheReference(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var aggregator = Aggregator(host);

        foreach (var zone in Zones.Select(TimeZoneInfo.FindSystemTimeZoneById))
            for (var set = 0; set < 1 << Dimensions.Length; set++)
            {
                var query = new UsageQuery(UsageSeed.From, UsageSeed.To, zone, [.. Dimensions.Where((_, i) => (set & (1 << i)) != 0)]);
                var expected = UsageReference.Aggregate(events, query);
                Assert.NotEmpty(expected);
                AssertSame(expected, await aggregator.AggregateAsync(query, Admin, default), $"{zone.Id} [{string.Join(", ", query.GroupBy)}]");
            }
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Filters_NarrowToTheNamedProvidersModelsPersonasUsersAndConversations(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var aggregator = Aggregator(host);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var from = new DateTime(2026, 10, 24, 13, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 11, 1, 7, 0, 0, DateTimeKind.Utc);
        UsageQuery[] queries =
        [
            new(from, to, berlin, [UsageDimension.Day, UsageDimension.Model]) { Providers = ["openai"] },
            new(from, to, berlin, [UsageDimension.Hour]) { Models = ["gpt-4o", "echo-1"], PersonaIds = [UsageSeed.Personas[1]!.Value] },
            new(from, to, berlin, [UsageDimension.Provider, UsageDimension.User]) { UserIds = [UsageSeed.Bob, UsageSeed.Carol] },
            new(null, null, TimeZoneInfo.Utc, [UsageDimension.Conversation]) { ConversationIds = [.. UsageSeed.Conversations.Take(3)] },
            new(from, to, berlin, [UsageDimension.Week]) { Providers = [] },
        ];
        Assert.Empty(await aggregator.AggregateAsync(queries[^1], Admin, default));
        foreach (var query in queries)
            AssertSame(UsageReference.Aggregate(events, query), await aggregator.AggregateAsync(query, Admin, default), string.Join(", ", query.GroupBy));
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task AUser_SeesTheirOwnUsageAlone_WhateverUsersTheyName(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var aggregator = Aggregator(host);
        var query = new UsageQuery(UsageSeed.From, UsageSeed.To, TimeZoneInfo.Utc, [UsageDimension.Day, UsageDimension.Model]) { UserIds = [UsageSeed.Bob] };

        var actual = await aggregator.AggregateAsync(query, new Viewer(UsageSeed.Alice, IsAdmin: false), default);

        AssertSame(UsageReference.Aggregate(events, query with { UserIds = [UsageSeed.Alice] }), actual, "Alice");
        var byUser = await Assert.ThrowsAsync<UsageQueryException>(() => aggregator.AggregateAsync(
            query with { GroupBy = [UsageDimension.User] }, new Viewer(UsageSeed.Alice, IsAdmin: false), default));
        Assert.Equal(UsageQueryException.Forbidden, byUser.Code);
    }

    [Fact]
    public async Task BucketsBeyondTheLimit_AreRefused_AndTheLimitItselfIsServed()
    {
        await using var host = await UsageDatabaseHost.StartAsync("SQLite");
        var events = UsageSeed.Events();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var query = new UsageQuery(UsageSeed.From, UsageSeed.To, TimeZoneInfo.Utc, [UsageDimension.Model, UsageDimension.User]);
        var buckets = UsageReference.Aggregate(events, query).Count;

        Assert.Equal(buckets, (await Aggregator(host, maxBuckets: buckets).AggregateAsync(query, Admin, default)).Count);
        var beyond = await Assert.ThrowsAsync<UsageQueryException>(() => Aggregator(host, maxBuckets: buckets - 1).AggregateAsync(query, Admin, default));
        Assert.Equal(UsageQueryException.TooManyBuckets, beyond.Code);
        var hours = await Assert.ThrowsAsync<UsageQueryException>(() => Aggregator(host, maxBuckets: 100).AggregateAsync(query with { GroupBy = [UsageDimension.Hour] }, Admin, default));
        Assert.Equal(UsageQueryException.TooManyBuckets, hours.Code);
    }

    private static UsageAggregator Aggregator(UsageDatabaseHost host, int maxBuckets = 100_000) =>
        new(host.Contexts, Options.Create(new UsageQueryOptions { MaxBuckets = maxBuckets }), Options.Create(new UsageRollupOptions()), TimeProvider.System);

    private static void AssertSame(IReadOnlyList<UsageBucket> expected, IReadOnlyList<UsageBucket> actual, string what)
    {
        Assert.Equal(expected.Select(Describe).Order(StringComparer.Ordinal), actual.Select(Describe).Order(StringComparer.Ordinal));
    }

    /// <summary>Every key (times with their offsets) and every figure; costs to the millionth, as SQLite sums doubles.</summary>
    public static string Describe(UsageBucket b) => string.Join('|',
        b.Key.Hour?.ToString("O", CultureInfo.InvariantCulture), b.Key.Day?.ToString("O", CultureInfo.InvariantCulture),
        b.Key.Week?.ToString("O", CultureInfo.InvariantCulture), b.Key.Provider, b.Key.Model, b.Key.PersonaId, b.Key.UserId, b.Key.ConversationId,
        b.Requests, b.Succeeded, b.Failed, b.Cancelled, b.Cached, b.PromptTokens, b.CompletionTokens,
        Math.Round(b.Cost, 6).ToString("F6", CultureInfo.InvariantCulture),
        Round(b.LatencyP50Ms), Round(b.LatencyP95Ms), Round(b.LatencyP99Ms), Round(b.TimeToFirstTokenP50Ms), Round(b.TimeToFirstTokenP95Ms));

    private static string Round(double? value) => value is { } v ? Math.Round(v, 6).ToString("F6", CultureInfo.InvariantCulture) : "null";
}
