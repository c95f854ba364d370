using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>
/// A user's key never leaves the server except towards its provider: it is set, used for generations that succeed
/// and that fail (the provider quoting the key in its error body), shown as a status, sent where it does not belong,
/// and removed; then no response body and no log entry, at any level, holds it.
/// </summary>
public abstract class ProviderKeyLeakTests(ProviderKeyServer server)
{
    [Fact]
    public async Task UserKey_ThroughEverythingAUserCanDo_NeverAppearsInAResponseOrALog()
    {
        server.Stub.Reset();
        // Shaped like a real key, and unique to this run, so a plain search finds any copy of it.
        var key = "sk-proj-" + Guid.NewGuid().ToString("N");
        var responses = new List<string>();

        responses.Add(await PostAsync(ProviderKeyApi.Set, new { input = new { provider = StubProvider.Name, apiKey = key } }));
        responses.Add(await PostAsync(ProviderKeyApi.Set, new { input = new { provider = ProviderKeyServer.KeyOnly, apiKey = "  " + key + "  " } }));
        // Where it does not belong: a key with a space pasted twice, a key in the provider field, a key too long.
        responses.Add(await PostAsync(ProviderKeyApi.Set, new { input = new { provider = StubProvider.Name, apiKey = key + " " + key } }));
        responses.Add(await PostAsync(ProviderKeyApi.Set, new { input = new { provider = key, apiKey = key } }));
        responses.Add(await PostAsync(ProviderKeyApi.Set, new { input = new { provider = StubProvider.Name, apiKey = string.Concat(Enumerable.Repeat(key, 20)) } }));
        responses.Add(await PostAsync(ProviderKeyApi.Remove, new { input = new { provider = key } }));

        // A reply, then the provider refusing the key (quoting it, as some do), then failing outright with it in the body.
        responses.AddRange(await GenerateAsync(StubProvider.Name));
        server.Stub.Enqueue(StubFault.Status(401, body: ErrorBody("Incorrect API key provided: " + key, "invalid_api_key")));
        responses.AddRange(await GenerateAsync(StubProvider.Name));
        server.Stub.Enqueue(StubFault.Status(500, body: ErrorBody("Upstream failed for key " + key, "server_error")));
        responses.AddRange(await GenerateAsync(ProviderKeyServer.KeyOnly, ProviderKeyServer.KeyOnlyModel));
        // The same over SSE, event by event.
        await using (var stream = await SseStream.PostOperationAsync(server, GenerationApi.Generate,
            new JsonObject { ["input"] = GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: ProviderKeyServer.KeyOnly, model: ProviderKeyServer.KeyOnlyModel) }))
            responses.AddRange((await stream.ReadToCompleteAsync()).Select(r => r.ToJsonString()));

        responses.Add(await PostAsync(ProviderKeyApi.Providers));
        responses.Add(await PostAsync(ProviderKeyApi.Remove, new { input = new { provider = StubProvider.Name } }));
        responses.Add(await PostAsync(ProviderKeyApi.Remove, new { input = new { provider = ProviderKeyServer.KeyOnly } }));

        // The key was in play: every provider call carried it, and the failures were reported.
        Assert.Equal(4, server.Stub.Requests.Count);
        Assert.All(server.Stub.Requests, r => Assert.Equal("Bearer " + key, r.Headers["Authorization"]));
        Assert.Contains(responses, r => r.Contains("PROVIDER_ERROR", StringComparison.Ordinal) && r.Contains("401", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Contains("PROVIDER_ERROR", StringComparison.Ordinal) && r.Contains("500", StringComparison.Ordinal));
        // The logs saw the calls, headers included (redacted), so their silence about the key means something.
        var logs = server.Logs.Text;
        Assert.Contains("Authorization: *", logs, StringComparison.Ordinal);
        Assert.Contains("[3003]", logs, StringComparison.Ordinal);

        Assert.All(responses, r => Assert.DoesNotContain(key, r, StringComparison.Ordinal));
        Assert.DoesNotContain(key, logs, StringComparison.Ordinal);
        // Nor the part after the well-known prefix, in case something trimmed or masked only the start.
        Assert.DoesNotContain(key["sk-proj-".Length..], logs + string.Concat(responses), StringComparison.Ordinal);
    }

    private async Task<string> PostAsync(string query, object? variables = null)
    {
        using var response = await server.PostGraphQLRawAsync(query, variables);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Starts a generation, watches it over SSE to its last event (a failure's code and message included), reads it
    /// once more, and returns every response on the way.
    /// </summary>
    private async Task<List<string>> GenerateAsync(string provider, string? model = null)
    {
        var started = await PostAsync(GenerationApi.Start, new { input = GenerationApi.Input(GenerationStreams.UniquePrompt(), provider: provider, model: model) });
        var id = JsonNode.Parse(started)!.String("data.startGeneration.generation.id")!;
        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(id));
        var events = (await stream.ReadToCompleteAsync()).Select(e => e.ToJsonString());
        return [started, .. events, (await server.WaitUntilFinishedAsync(id)).ToJsonString()];
    }

    private static string ErrorBody(string message, string code) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = code } }.ToJsonString();
}

public sealed class ProviderKeyLeakOnSqliteTests(SqliteProviderKeyServer server)
    : ProviderKeyLeakTests(server), IClassFixture<SqliteProviderKeyServer>;

public sealed class ProviderKeyLeakOnPostgresTests(PostgresProviderKeyServer server)
    : ProviderKeyLeakTests(server), IClassFixture<PostgresProviderKeyServer>;
