using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>
/// `analyticsEvents` and `eventCounts` as users and an admin see them: users only ever their own events; counts equal
/// a reference computed here from the seeded rows, for every grouping, in UTC and in zones with daylight saving
/// and half-hour offsets.
/// </summary>
public abstract class AnalyticsEventQueriesTests(PlatformServer server)
{
    private const string Counts = """
        query($filter: EventCountFilterInput!, $groupBy: [EventCountDimension!]!) {
          eventCounts(filter: $filter, groupBy: $groupBy) { start end name userId count }
        }
        """;

    // Spans the change to summer time in New York (8 March 2026, 02:00 local).
    private static readonly DateTime SeedStart = new(2026, 3, 6, 20, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task AnalyticsEvents_UsersSeeOnlyTheirOwn_AdminsSeeEveryones()
    {
        var (_, a) = await server.SignUpAsync();
        var (_, b) = await server.SignUpAsync();
        var name = UniqueName("mine");
        foreach (var token in new[] { a, a, b })
            await TrackAsync(token, name);

        var asA = await ListAsync(a, name);
        var asB = await ListAsync(b, name);
        var asAdmin = await ListAsync(await AdminTokenAsync(), name);

        Assert.Equal(2, asA.Count);
        Assert.Single(asB);
        Assert.Equal(3, asAdmin.Count);
        Assert.Single(asA.Select(e => e.UserId).Distinct());
        Assert.Empty(asA.Select(e => e.Id).Intersect(asB.Select(e => e.Id)));
        Assert.Equal(asA.Select(e => e.Id).Concat(asB.Select(e => e.Id)).Order(), asAdmin.Select(e => e.Id).Order());
        // A user's counts are theirs alone too, and grouping by user is for admins.
        var countsAsB = await server.PostGraphQLWithTokenAsync(b, Counts, CountsVariables(name, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddHours(1), null, "NAME"));
        Assert.Equal(1, countsAsB.ShouldHaveNoErrors().At("data.eventCounts")!.AsArray().Single()!["count"]!.GetValue<int>());
        var byUserAsB = await server.PostGraphQLWithTokenAsync(b, Counts, CountsVariables(name, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddHours(1), null, "USER"));
        Assert.Equal(["FORBIDDEN"], byUserAsB.ErrorCodes());
    }

    [Theory]
    [InlineData("mutation { trackEvent(input: { name: \"anonymous.try\" }) { event { id } } }")]
    [InlineData("{ analyticsEvents { totalCount } }")]
    [InlineData("{ eventCounts(filter: { from: \"2026-01-01T00:00:00Z\", to: \"2026-01-02T00:00:00Z\" }, groupBy: [DAY]) { count } }")]
    public async Task WithoutAToken_Unauthenticated_AndNothingStored(string operation)
    {
        var before = await server.CountAsync<AnalyticsEvent>();

        var result = await server.PostGraphQLWithTokenAsync(null, operation);

        Assert.Equal(["UNAUTHENTICATED"], result.ErrorCodes());
        Assert.Equal(before, await server.CountAsync<AnalyticsEvent>());
    }

    [Fact]
    public async Task AnalyticsEvents_WhereAndOrder_AreApplied()
    {
        var (_, token) = await server.SignUpAsync();
        var name = UniqueName("ordered");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
            await TrackAsync(token, name, now.AddMinutes(-10 + i));
        await TrackAsync(token, UniqueName("other"));

        var result = (await server.PostGraphQLWithTokenAsync(token, """
            query($name: String!) { analyticsEvents(where: { name: { eq: $name } }, order: [{ occurredAt: ASC }], first: 2) {
              totalCount nodes { name occurredAt } pageInfo { hasNextPage } } }
            """, new { name })).ShouldHaveNoErrors();

        Assert.Equal(3, result.Int("data.analyticsEvents.totalCount"));
        var times = result.At("data.analyticsEvents.nodes")!.AsArray().Select(n => n!["occurredAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[0] < times[1]);
        Assert.True(result.At("data.analyticsEvents.pageInfo.hasNextPage")!.GetValue<bool>());
    }

    public static TheoryData<string?, string[]> Groupings()
    {
        var data = new TheoryData<string?, string[]>();
        string[][] groupings = [[], ["HOUR"], ["DAY"], ["NAME"], ["USER"], ["HOUR", "NAME"], ["DAY", "USER"], ["DAY", "NAME", "USER"], ["HOUR", "NAME", "USER"]];
        foreach (var zone in new string?[] { null, "America/New_York", "Asia/Kolkata" })
            foreach (var groupBy in groupings)
                data.Add(zone, groupBy);
        return data;
    }

    [Theory]
    [MemberData(nameof(Groupings))]
    public async Task EventCounts_EqualTheCountsOfTheSeededRows(string? timeZone, string[] groupBy)
    {
        var prefix = UniqueName("seed");
        var seeded = Seed(prefix);
        await server.ReadAsync(async db =>
        {
            db.AnalyticsEvents.AddRange(seeded);
            return await db.SaveChangesAsync();
        });
        var (from, to) = (SeedStart.AddHours(1), SeedStart.AddHours(60));
        var names = seeded.Select(e => e.Name).Distinct().ToArray();

        var result = (await server.PostGraphQLWithTokenAsync(await AdminTokenAsync(), Counts, new JsonObject
        {
            ["filter"] = new JsonObject
            {
                ["from"] = from.ToString("O"), ["to"] = to.ToString("O"), ["timeZone"] = timeZone,
                ["names"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()),
            },
            ["groupBy"] = new JsonArray(groupBy.Select(g => (JsonNode?)g).ToArray()),
        })).ShouldHaveNoErrors();

        var zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var expected = seeded
            .Where(e => e.CreatedAt >= from && e.CreatedAt < to)
            .GroupBy(e => Describe(groupBy.Contains("HOUR") ? HourStart(e.CreatedAt, zone) : groupBy.Contains("DAY") ? DayStart(e.CreatedAt, zone) : null,
                groupBy.Contains("NAME") ? e.Name : null, groupBy.Contains("USER") ? e.UserId : null))
            .Select(g => $"{g.Key} {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        var actual = result.At("data.eventCounts")!.AsArray()
            .Select(b => $"{Describe(b!["start"] is { } s ? s.GetValue<DateTimeOffset>().UtcDateTime : null, b["name"]?.GetValue<string>(), DecodeUser(b["userId"]))} {b["count"]}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.True(expected.Count > (groupBy.Length == 0 ? 0 : 1));
    }

    [Fact]
    public async Task EventCounts_DayBucketsAroundADaylightSavingChange_SpanTheLocalDay()
    {
        var admin = await AdminTokenAsync();
        var name = UniqueName("dst");
        var result = (await server.PostGraphQLWithTokenAsync(admin, Counts, CountsVariables(name, SeedStart, SeedStart.AddDays(3), "America/New_York", "DAY"))).ShouldHaveNoErrors();
        // No events of this name: no buckets, and no error.
        Assert.Empty(result.At("data.eventCounts")!.AsArray());

        await server.ReadAsync(async db =>
        {
            // 8 March 2026 in New York: 05:00Z is midnight (EST), 04:00Z the next midnight (EDT) — a 23-hour day.
            db.AnalyticsEvents.Add(new AnalyticsEvent { Id = Guid.NewGuid(), Name = name, CreatedAt = new DateTime(2026, 3, 8, 12, 0, 0, DateTimeKind.Utc) });
            return await db.SaveChangesAsync();
        });
        var day = (await server.PostGraphQLWithTokenAsync(admin, Counts, CountsVariables(name, SeedStart, SeedStart.AddDays(3), "America/New_York", "DAY")))
            .ShouldHaveNoErrors().At("data.eventCounts")!.AsArray().Single()!;
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), day["start"]!.GetValue<DateTimeOffset>());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 4, 0, 0, TimeSpan.Zero), day["end"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "HOUR", 1, "INVALID_TIME_ZONE")]
    [InlineData(null, "HOUR", 24 * 60, "TOO_MANY_BUCKETS")]
    [InlineData(null, "DAY", -1, "INVALID_RANGE")]
    public async Task EventCounts_BadArguments_TypedErrors(string? timeZone, string groupBy, int hours, string code)
    {
        var from = DateTime.UtcNow.AddDays(-70);
        var result = await server.PostGraphQLWithTokenAsync(await AdminTokenAsync(), Counts, CountsVariables("any", from, from.AddHours(hours), timeZone, groupBy));

        Assert.Equal([code], result.ErrorCodes());
    }

    private async Task<string> AdminTokenAsync()
    {
        // The first test of the class registers the admin; the others find the email taken and just sign in.
        await server.PostGraphQLAsync("mutation($input: RegisterInput!) { register(input: $input) { userErrors { code } } }",
            new { input = new { email = AuthSettings.AdminEmail, password = Accounts.Password } });
        return (await server.PasswordGrantAsync(AuthSettings.AdminEmail))["access_token"]!.GetValue<string>();
    }

    private async Task TrackAsync(string token, string name, DateTimeOffset? occurredAt = null)
    {
        var result = await server.PostGraphQLWithTokenAsync(token, AnalyticsEventMutationsTests.Track, new JsonObject
        {
            ["input"] = new JsonObject { ["name"] = name, ["occurredAt"] = occurredAt?.ToString("O") },
        });
        Assert.Empty(result.ShouldHaveNoErrors().At("data.trackEvent.userErrors")!.AsArray());
    }

    private async Task<List<(string Id, string UserId)>> ListAsync(string token, string name)
    {
        var result = (await server.PostGraphQLWithTokenAsync(token,
            "query($name: String!) { analyticsEvents(where: { name: { eq: $name } }, first: 100) { nodes { id userId } } }", new { name })).ShouldHaveNoErrors();
        return result.At("data.analyticsEvents.nodes")!.AsArray().Select(n => (n!["id"]!.GetValue<string>(), n["userId"]!.GetValue<string>())).ToList();
    }

    private static JsonObject CountsVariables(string name, DateTime from, DateTime to, string? timeZone, params string[] groupBy) => new()
    {
        ["filter"] = new JsonObject { ["from"] = from.ToString("O"), ["to"] = to.ToString("O"), ["timeZone"] = timeZone, ["names"] = new JsonArray(name) },
        ["groupBy"] = new JsonArray(groupBy.Select(g => (JsonNode?)g).ToArray()),
    };

    /// <summary>Events of three names and three users (one unknown), every 7 minutes 13 seconds for 62 hours from <see cref="SeedStart"/>.</summary>
    private static List<AnalyticsEvent> Seed(string prefix)
    {
        var users = new Guid?[] { Guid.NewGuid(), Guid.NewGuid(), null };
        var names = new[] { prefix + ".a", prefix + ".b", prefix + ".c" };
        var events = new List<AnalyticsEvent>();
        var step = TimeSpan.FromSeconds(7 * 60 + 13);
        var i = 0;
        for (var at = SeedStart; at < SeedStart.AddHours(62); at += step, i++)
            events.Add(new AnalyticsEvent { Id = Guid.NewGuid(), Name = names[i % 3], UserId = users[i * 7 / 3 % 3], CreatedAt = at });
        return events;
    }

    /// <summary>The start of the local hour of <paramref name="utc"/>: the last instant before it when the zone's clock showed a whole hour.</summary>
    private static DateTime HourStart(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        return utc - new TimeSpan(0, local.Minute, local.Second) - TimeSpan.FromTicks(local.Ticks % TimeSpan.TicksPerSecond);
    }

    /// <summary>The instant the local day of <paramref name="utc"/> began (the zones tested never skip midnight).</summary>
    private static DateTime DayStart(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(TimeZoneInfo.ConvertTimeFromUtc(utc, zone).Date, zone);

    private static string Describe(DateTime? start, string? name, Guid? user) =>
        $"{start?.ToString("O", CultureInfo.InvariantCulture) ?? "-"} {name ?? "-"} {user?.ToString() ?? "-"}";

    private static Guid? DecodeUser(JsonNode? id) =>
        id is null ? null : GlobalId.TryDecodeGuid(id.GetValue<string>(), "User", out var user) ? user : throw new InvalidOperationException("Bad user id " + id);

    private static string UniqueName(string what) => $"{what}.{Guid.NewGuid():N}";
}

public sealed class AnalyticsEventQueriesOnSqliteTests(SqliteAuthServer server) : AnalyticsEventQueriesTests(server), IClassFixture<SqliteAuthServer>;

public sealed class AnalyticsEventQueriesOnPostgresTests(PostgresAuthServer server) : AnalyticsEventQueriesTests(server), IClassFixture<PostgresAuthServer>;
