using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.PersistedOperations;

/// <summary>Apollo Client 4 with its PersistedQueryLink, run by node against the real server.</summary>
public sealed class ApolloPersistedQueryLinkTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task SameQueryTwice_FirstNotFoundThenSentWithItsQuery_SecondByHashAlone()
    {
        var query = PersistedQueries.UniqueQuery();

        var output = await NodeScript.RunAsync("apollo-persisted-queries.mjs", [server.GraphQLEndpoint.ToString(), query],
            "@apollo/client", TimeSpan.FromSeconds(60));

        var run = JsonNode.Parse(output)!;
        var requests = run["requests"]!.AsArray();
        Assert.Equal(3, requests.Count);
        // 1: the hash alone, unknown; 2: the link's retry with the query; 3: the next run, by hash alone.
        Assert.Equal([false, true, false], requests.Select(r => r!["sentQuery"]!.GetValue<bool>()));
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", requests[0]!.String("errors[0].code"));
        Assert.Null(requests[1]!["errors"]);
        Assert.Null(requests[2]!["errors"]);
        // Apollo hashes the document as it prints it (with __typename added), so the three carry one hash of its own.
        Assert.Single(requests.Select(r => r!.String("hash")).Distinct());
        var results = run["results"]!.AsArray();
        Assert.Equal(results[0]!.Int("personas.totalCount"), results[1]!.Int("personas.totalCount"));
    }
}
