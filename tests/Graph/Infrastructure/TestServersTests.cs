namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>The test servers themselves: instances of one build share their database, a process survives SIGKILL.</summary>
public sealed class TestServersTests
{
    private const string CreatePersona = """
        mutation($name: String!) { createPersona(input: { name: $name, systemPrompt: "Be brief." }) { persona { id } userErrors { code } } }
        """;

    [Fact]
    public async Task TwoInstances_OnPostgres_ShareTheirDatabase()
    {
        await using var instances = await TestServers.Postgres().Instances(2).StartAsync();
        var name = "Shared " + Guid.NewGuid().ToString("N");

        var created = await instances[0].PostGraphQLAsync(CreatePersona, new { name });
        var id = created["data"]!["createPersona"]!["persona"]!["id"]!.GetValue<string>();
        var read = await instances[1].PostGraphQLAsync("query($id: ID!) { node(id: $id) { ... on Persona { name } } }", new { id });

        Assert.NotEqual(instances[0].GraphQLEndpoint, instances[1].GraphQLEndpoint);
        Assert.Equal(name, read["data"]!["node"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServerProcess_KilledAndRestarted_ServesOnTheSamePortWithItsData()
    {
        await using var server = await TestServers.Sqlite().StartProcessAsync();
        var name = "Survivor " + Guid.NewGuid().ToString("N");
        var created = await server.Client.PostGraphQLAsync(CreatePersona, new { name });
        Assert.Empty(created["data"]!["createPersona"]!["userErrors"]!.AsArray());

        await server.KillAsync();
        Assert.False(server.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync("/health/live"));
        await server.StartAsync();

        var read = await server.Client.PostGraphQLAsync("{ personas(first: 100) { nodes { name } } }");
        Assert.Contains(name, read.ToJsonString(), StringComparison.Ordinal);
    }
}
