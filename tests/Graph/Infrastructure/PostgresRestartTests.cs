namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// PostgreSQL restarting under a running server: the connections it had pooled are dead afterwards, and requests that
/// arrive while it is down are retried (<c>Data:MaxRetryCount</c>, <c>Data:MaxRetryDelay</c>) until it is back, so no
/// client sees the restart as an error.
/// </summary>
public sealed class PostgresRestartTests
{
    private const string CreatePersona = """
        mutation($name: String!) { createPersona(input: { name: $name, systemPrompt: "Be brief." }) { persona { name } userErrors { code } } }
        """;

    [Fact]
    public async Task AfterPostgresRestarts_TheNextQueryAndMutationSucceedOnTheFirstTry()
    {
        await using var postgres = await OwnPostgresServer.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync(postgres.AdminConnectionString);
        await using var servers = await TestServers.On(database).StartAsync();
        var server = servers[0];
        // Fill the pool: these connections are the ones the restart kills.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.PostGraphQLAsync("{ personas(first: 1) { totalCount } }")));

        await postgres.RestartAsync();

        var query = await server.PostGraphQLAsync("{ personas(first: 10) { totalCount } }");
        Assert.Null(query["errors"]);
        Assert.Equal(5, query["data"]!["personas"]!["totalCount"]!.GetValue<int>());
        var mutation = await server.PostGraphQLAsync(CreatePersona, new { name = "After the restart" });
        Assert.Null(mutation["errors"]);
        Assert.Equal("After the restart", mutation["data"]!["createPersona"]!["persona"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhilePostgresIsDown_AQueryAndAMutationSentMeanwhile_SucceedOnceItIsBack()
    {
        await using var postgres = await OwnPostgresServer.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync(postgres.AdminConnectionString);
        await using var servers = await TestServers.On(database).StartAsync();
        var server = servers[0];
        await server.PostGraphQLAsync("{ personas(first: 1) { totalCount } }");

        await postgres.StopAsync("immediate");
        var query = server.PostGraphQLAsync("{ personas(first: 10) { totalCount } }");
        var mutation = server.PostGraphQLAsync(CreatePersona, new { name = "Sent while down" });
        await postgres.StartAgainAsync();

        Assert.Null((await query)["errors"]);
        Assert.Null((await mutation)["errors"]);
        Assert.Equal(6, await server.CountAsync<LlmPlatform.Data.Entities.Persona>());
    }
}
