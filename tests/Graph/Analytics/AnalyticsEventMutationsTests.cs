using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>`trackEvent` stores good events as the caller's, exactly as sent, and refuses every kind of bad input with a typed error, storing nothing.</summary>
public abstract class AnalyticsEventMutationsTests(PlatformServer server)
{
    public const string Track = """
        mutation($input: TrackEventInput!) {
          trackEvent(input: $input) {
            event { id name properties occurredAt userId }
            userErrors { message code field retryAfter }
          }
        }
        """;

    [Fact]
    public async Task TrackEvent_GoodInput_StoresItAsTheCallersAndReturnsIt()
    {
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-3);
        var properties = new JsonObject { ["plan"] = "pro", ["seats"] = 3, ["ratio"] = 0.25, ["beta"] = true, ["tags"] = new JsonArray("a", "b"), ["nested"] = new JsonObject { ["x"] = null } };

        var result = (await server.PostGraphQLAsync(Track, new JsonObject
        {
            ["input"] = new JsonObject { ["name"] = "page.view", ["properties"] = properties.DeepClone(), ["occurredAt"] = occurredAt.ToString("O") },
        })).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.trackEvent.userErrors")!.AsArray());
        Assert.Equal("page.view", result.String("data.trackEvent.event.name"));
        Assert.True(JsonNode.DeepEquals(properties, result.At("data.trackEvent.event.properties")), result.ToJsonString());
        Assert.Equal(GlobalId.Encode("User", LocalUser.Id), result.String("data.trackEvent.event.userId"));
        Assert.True(GlobalId.TryDecodeGuid(result.String("data.trackEvent.event.id"), AnalyticsEventGraphType.TypeName, out var id));
        var stored = await server.ReadAsync(db => db.AnalyticsEvents.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Equal(LocalUser.Id, stored.UserId);
        Assert.True(JsonNode.DeepEquals(properties, JsonNode.Parse(stored.Properties)));
        Assert.InRange(stored.CreatedAt, occurredAt.UtcDateTime.AddTicks(-10), occurredAt.UtcDateTime);
        Assert.Equal(stored.CreatedAt, DateTimeOffset.Parse(result.String("data.trackEvent.event.occurredAt")!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
    }

    [Fact]
    public async Task TrackEvent_PropertiesWrittenInline_AreStoredAsJson_AndNoOccurredAtMeansNow()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var result = (await server.PostGraphQLAsync("""
            mutation { trackEvent(input: { name: "button:press", properties: { id: "save", count: 12345678901, weights: [1.5, -2], on: false, none: null } }) {
              event { id properties occurredAt } userErrors { code } } }
            """)).ShouldHaveNoErrors();

        Assert.Empty(result.At("data.trackEvent.userErrors")!.AsArray());
        var expected = JsonNode.Parse("""{"id":"save","count":12345678901,"weights":[1.5,-2],"on":false,"none":null}""");
        Assert.True(JsonNode.DeepEquals(expected, result.At("data.trackEvent.event.properties")), result.ToJsonString());
        Assert.True(GlobalId.TryDecodeGuid(result.String("data.trackEvent.event.id"), AnalyticsEventGraphType.TypeName, out var id));
        var stored = await server.ReadAsync(db => db.AnalyticsEvents.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(stored.Properties)));
        Assert.InRange(stored.CreatedAt, before, DateTime.UtcNow.AddSeconds(1));
    }

    public static TheoryData<string, string, string> BadInputs()
    {
        var deep = new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonObject { ["c"] = new JsonObject { ["d"] = new JsonArray(1) } } } };
        var manyKeys = new JsonObject();
        for (var i = 0; i < 51; i++)
            manyKeys["k" + i] = i;
        var nestedKeys = new JsonObject { ["outer"] = new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode?)new JsonObject { ["k"] = i }).ToArray()) };
        var large = new JsonObject { ["text"] = new string('x', 4096) };
        var multiByte = new JsonObject { ["text"] = new string('é', 2040) };
        return new()
        {
            { Input("", null, null), "REQUIRED", "input.name" },
            { Input(new string('a', AnalyticsEvent.NameMaxLength + 1), null, null), "TOO_LONG", "input.name" },
            { Input("Page View", null, null), "INVALID", "input.name" },
            { Input("1st.view", null, null), "INVALID", "input.name" },
            { Input("page.view\n", null, null), "INVALID", "input.name" },
            { Input("ok", new JsonArray(1, 2), null), "INVALID", "input.properties" },
            { Input("ok", JsonValue.Create("text"), null), "INVALID", "input.properties" },
            { Input("ok", JsonValue.Create(1), null), "INVALID", "input.properties" },
            { Input("ok", deep, null), "TOO_DEEP", "input.properties" },
            { Input("ok", manyKeys, null), "TOO_MANY_KEYS", "input.properties" },
            { Input("ok", nestedKeys, null), "TOO_MANY_KEYS", "input.properties" },
            { Input("ok", large, null), "TOO_LONG", "input.properties" },
            { Input("ok", multiByte, null), "TOO_LONG", "input.properties" },
        };
    }

    // Minutes from the moment the test runs (not from when xUnit read its data, which can be many minutes earlier).
    [Theory]
    [InlineData(-(24 * 60 + 5))]
    [InlineData(10)]
    public Task TrackEvent_OccurredAtBeyondTheSkew_TypedUserErrorAndStoresNothing(int minutesFromNow) =>
        TrackEvent_BadInput_TypedUserErrorAndStoresNothing(
            Input("ok", null, DateTimeOffset.UtcNow.AddMinutes(minutesFromNow)), "OUT_OF_RANGE", "input.occurredAt");

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task TrackEvent_BadInput_TypedUserErrorAndStoresNothing(string input, string code, string field)
    {
        var before = await server.CountAsync<AnalyticsEvent>();

        var result = (await server.PostGraphQLAsync(Track, new JsonObject { ["input"] = JsonNode.Parse(input) })).ShouldHaveNoErrors();

        Assert.Null(result.At("data.trackEvent.event"));
        var errors = result.At("data.trackEvent.userErrors")!.AsArray();
        Assert.Equal([$"{code} {field}"], errors.Select(e => $"{e!["code"]} {string.Join('.', e["field"]!.AsArray().Select(f => f!.GetValue<string>()))}"));
        Assert.Equal(before, await server.CountAsync<AnalyticsEvent>());
    }

    [Fact]
    public async Task TrackEvent_PropertiesAtEveryLimit_AreStored()
    {
        var deepest = new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonObject { ["c"] = new JsonArray(1) } } };
        var keys = new JsonObject();
        for (var i = 0; i < 50; i++)
            keys["k" + i] = i;
        // {"text":"…"} is 11 bytes around the text.
        var largest = new JsonObject { ["text"] = new string('x', 4096 - 11) };
        foreach (var properties in new[] { deepest, keys, largest })
        {
            var result = (await server.PostGraphQLAsync(Track, new JsonObject { ["input"] = new JsonObject { ["name"] = "at.limit", ["properties"] = properties } })).ShouldHaveNoErrors();
            Assert.Empty(result.At("data.trackEvent.userErrors")!.AsArray());
        }
    }

    private static string Input(string name, JsonNode? properties, DateTimeOffset? occurredAt) =>
        new JsonObject
        {
            ["name"] = name,
            ["properties"] = properties,
            ["occurredAt"] = occurredAt?.ToString("O"),
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

public sealed class AnalyticsEventMutationsOnSqliteTests(SqliteServer server) : AnalyticsEventMutationsTests(server), IClassFixture<SqliteServer>;

public sealed class AnalyticsEventMutationsOnPostgresTests(PostgresServer server) : AnalyticsEventMutationsTests(server), IClassFixture<PostgresServer>;
