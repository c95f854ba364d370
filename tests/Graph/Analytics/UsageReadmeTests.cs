using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>
/// The README's answer to "what did each model cost us per day last month, and how fast was it?" is what the server
/// answers: its query, run as an admin over the usage seed, returns the buckets the README shows (and more after them).
/// </summary>
public sealed class UsageReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    [Fact]
    public async Task OperatorQuery_AnswersWhatTheReadmeShows()
    {
        var query = Block("```graphql\nquery CostPerModelPerDay");
        var shown = JsonNode.Parse(Block("```json\n{ \"data\": { \"usage\": ["), documentOptions: new() { AllowTrailingCommas = true })!["data"]!["usage"]!.AsArray();
        await using var setup = await UsageQueriesTests.SeededServer.StartAsync("SQLite");

        var answer = await setup.Server.PostGraphQLWithTokenAsync(setup.AdminToken, query);

        Assert.True(answer["errors"] is null, answer.ToJsonString());
        var buckets = answer["data"]!["usage"]!.AsArray();
        Assert.True(buckets.Count > shown.Count, answer.ToJsonString());
        // On a mismatch, the server's first buckets, one a line, ready to paste into the README.
        var first = string.Join(",\n", buckets.Take(Math.Max(shown.Count, 3)).Select(b => "  " + b!.ToJsonString()));
        for (var i = 0; i < shown.Count; i++)
            Assert.True(JsonNode.DeepEquals(shown[i], buckets[i]), $"bucket {i} differs; the server's first buckets:\n{first}");
    }

    /// <summary>The fenced block that starts with <paramref name="start"/>, without its fences.</summary>
    private static string Block(string start)
    {
        var at = Readme.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, "README.md has no block starting " + start);
        var body = Readme.IndexOf('\n', at) + 1;
        return Readme[body..Readme.IndexOf("\n```", body, StringComparison.Ordinal)].Replace("  …\n", "", StringComparison.Ordinal);
    }
}
