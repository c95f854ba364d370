using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Tests.Usage;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>
/// <c>usage</c> through the GraphQL endpoint, on SQLite and PostgreSQL: an admin's buckets equal the reference computed
/// from the same rows (keys with their zone's offsets, every figure); a user sees their own buckets alone; bad
/// arguments are typed errors.
/// </summary>
public sealed class UsageQueriesTests
{
    private const string Usage = """
        query($filter: UsageFilterInput!, $groupBy: [UsageDimension!]!) { usage(filter: $filter, groupBy: $groupBy) {
          hour day week provider model personaId userId requests succeeded failed cancelled errorRate promptTokens completionTokens
          cachedShare cost latencyP50Ms latencyP95Ms latencyP99Ms timeToFirstTokenP50Ms timeToFirstTokenP95Ms } }
        """;

    private static readonly string[][] Groupings =
        [["DAY", "MODEL"], ["HOUR", "PROVIDER", "USER"], ["WEEK", "PERSONA"], [], ["USER", "MODEL", "DAY"]];

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Usage_AsAdmin_EqualsTheReference_AcrossADstChange(string database)
    {
        await using var setup = await SeededServer.StartAsync(database);
        foreach (var zone in new[] { "Europe/Berlin", "America/New_York" })
            foreach (var grouping in Groupings)
            {
                var result = await setup.Server.PostGraphQLWithTokenAsync(setup.AdminToken, Usage, Variables(zone, grouping));
                var query = new UsageQuery(UsageSeed.From, UsageSeed.To, TimeZoneInfo.FindSystemTimeZoneById(zone), [.. grouping.Select(Dimension)]);
                var expected = UsageReference.Aggregate(setup.Events, query).Select(Describe).Order(StringComparer.Ordinal).ToList();
                Assert.NotEmpty(expected);
                Assert.Equal(expected, Buckets(result).Select(Describe).Order(StringComparer.Ordinal));
            }
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Usage_AsUser_ShowsTheirOwnBucketsAlone_EvenWhenNamingOthers(string database)
    {
        await using var setup = await SeededServer.StartAsync(database);
        var variables = Variables("UTC", ["DAY", "MODEL"], userIds: [GlobalId.Encode(UserGraphType.TypeName, setup.Admin)]);

        var result = await setup.Server.PostGraphQLWithTokenAsync(setup.UserToken, Usage, variables);

        var own = new UsageQuery(UsageSeed.From, UsageSeed.To, TimeZoneInfo.Utc, [UsageDimension.Day, UsageDimension.Model]) { UserIds = [setup.User] };
        Assert.Equal(UsageReference.Aggregate(setup.Events, own).Select(Describe).Order(StringComparer.Ordinal),
            Buckets(result).Select(Describe).Order(StringComparer.Ordinal));
        var byUser = await setup.Server.PostGraphQLWithTokenAsync(setup.UserToken, Usage, Variables("UTC", ["USER"]));
        Assert.Equal("FORBIDDEN", byUser["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Null(byUser["data"]);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "DAY", 30, "INVALID_TIME_ZONE")]
    [InlineData("W. Europe Standard Time", "DAY", 30, "INVALID_TIME_ZONE")]
    [InlineData("UTC", "HOUR", 30, "TOO_MANY_BUCKETS")]
    [InlineData("UTC", "DAY", 500, "USAGE_RANGE_TOO_LONG")]
    [InlineData("UTC", "DAY", -1, "INVALID_USAGE_RANGE")]
    public async Task Usage_BadArguments_AreTypedErrors(string zone, string groupBy, int days, string code)
    {
        await using var servers = await TestServers.Sqlite().With("Analytics:MaxBuckets", "100").StartAsync();
        var from = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var result = await servers[0].PostGraphQLAsync(Usage, new
        {
            filter = new { from, to = from.AddDays(days), timeZone = zone },
            groupBy = new[] { groupBy },
        });
        Assert.Equal(code, result["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Usage_FromRollupsInAZoneOffByHalfAnHour_IsATypedError()
    {
        await using var servers = await TestServers.Sqlite().StartAsync();
        var from = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var result = await servers[0].PostGraphQLAsync(Usage, new
        {
            filter = new { from, to = from.AddDays(2), timeZone = "Asia/Kolkata", source = "ROLLUPS" },
            groupBy = new[] { "DAY" },
        });
        Assert.Equal("ROLLUPS_NOT_APPLICABLE", result["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Null(result["data"]);
    }

    private static object Variables(string zone, string[] groupBy, string[]? userIds = null) => new
    {
        filter = new { from = UsageSeed.From, to = UsageSeed.To, timeZone = zone, userIds },
        groupBy,
    };

    private static IEnumerable<JsonObject> Buckets(JsonObject result)
    {
        Assert.True(result["errors"] is null, result.ToJsonString());
        return result["data"]!["usage"]!.AsArray().Select(b => b!.AsObject());
    }

    private static UsageDimension Dimension(string name) => Enum.Parse<UsageDimension>(name, ignoreCase: true);

    private static string Describe(UsageBucket b) => string.Join('|',
        Time(b.Key.Hour), Time(b.Key.Day), Time(b.Key.Week), b.Key.Provider, b.Key.Model,
        b.Key.PersonaId is { } p ? GlobalId.Encode(PersonaGraphType.TypeName, p) : null,
        b.Key.UserId is { } u ? GlobalId.Encode(UserGraphType.TypeName, u) : null,
        b.Requests, b.Succeeded, b.Failed, b.Cancelled, Number(b.ErrorRate), b.PromptTokens, b.CompletionTokens, Number(b.CachedShare),
        Number((double)b.Cost), Number(b.LatencyP50Ms), Number(b.LatencyP95Ms), Number(b.LatencyP99Ms), Number(b.TimeToFirstTokenP50Ms), Number(b.TimeToFirstTokenP95Ms));

    private static string Describe(JsonObject b) => string.Join('|',
        Time(b["hour"]), Time(b["day"]), Time(b["week"]), (string?)b["provider"], (string?)b["model"], (string?)b["personaId"], (string?)b["userId"],
        (long)b["requests"]!, (long)b["succeeded"]!, (long)b["failed"]!, (long)b["cancelled"]!, Number((double)b["errorRate"]!),
        (long)b["promptTokens"]!, (long)b["completionTokens"]!, Number((double)b["cachedShare"]!), Number((double)b["cost"]!),
        Number((double?)b["latencyP50Ms"]), Number((double?)b["latencyP95Ms"]), Number((double?)b["latencyP99Ms"]),
        Number((double?)b["timeToFirstTokenP50Ms"]), Number((double?)b["timeToFirstTokenP95Ms"]));

    // The offset is part of the answer: "O" prints it, and parsing keeps the one the server wrote.
    private static string? Time(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture);

    private static string? Time(JsonNode? value) => value is null ? null : Time(DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture));

    private static string Number(double? value) => value is { } v ? Math.Round(v, 6).ToString("F6", CultureInfo.InvariantCulture) : "null";

    /// <summary>A server that requires tokens, an admin and a user, and the seed's usage rows spread over them and a third user.</summary>
    internal sealed class SeededServer : IAsyncDisposable
    {
        private readonly TestInstances _servers;

        private SeededServer(TestInstances servers) => _servers = servers;

        public PlatformServer Server => _servers[0];
        public List<UsageEvent> Events { get; private set; } = [];
        public string AdminToken { get; private set; } = "";
        public string UserToken { get; private set; } = "";
        public Guid Admin { get; private set; }
        public Guid User { get; private set; }

        public static async Task<SeededServer> StartAsync(string database)
        {
            var builder = database == "SQLite" ? TestServers.Sqlite() : TestServers.Postgres();
            AuthSettings.Apply((key, value) => builder.With(key, value));
            var setup = new SeededServer(await builder.StartAsync());
            (_, setup.AdminToken) = await setup.Server.SignUpAsync(AuthSettings.AdminEmail);
            (_, setup.UserToken) = await setup.Server.SignUpAsync();
            setup.Admin = await IdAsync(setup.Server, setup.AdminToken);
            setup.User = await IdAsync(setup.Server, setup.UserToken);
            var users = new Dictionary<Guid, Guid> { [UsageSeed.Alice] = setup.User, [UsageSeed.Bob] = setup.Admin, [UsageSeed.Carol] = UsageSeed.Carol };
            setup.Events = UsageSeed.Events();
            foreach (var usage in setup.Events)
                usage.UserId = users[usage.UserId];
            await setup.Server.ReadAsync(async db =>
            {
                db.UsageEvents.AddRange(setup.Events);
                return await db.SaveChangesAsync();
            });
            return setup;
        }

        public ValueTask DisposeAsync() => _servers.DisposeAsync();

        private static async Task<Guid> IdAsync(PlatformServer server, string token)
        {
            var me = await server.PostGraphQLWithTokenAsync(token, "{ me { id } }");
            Assert.True(GlobalId.TryDecodeGuid((string?)me["data"]!["me"]!["id"], UserGraphType.TypeName, out var id), me.ToJsonString());
            return id;
        }
    }
}
