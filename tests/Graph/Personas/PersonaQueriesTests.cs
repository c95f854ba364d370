using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Personas;

public abstract class PersonaQueriesTests(PlatformServer server)
{
    [Fact]
    public async Task Personas_FreshDatabase_ListsTheBuiltInPersonasByName()
    {
        var result = (await server.PostGraphQLAsync("""
            { personas(first: 10, where: { isBuiltIn: { eq: true } }) { totalCount nodes { name isBuiltIn } } }
            """)).ShouldHaveNoErrors();

        var names = result.At("data.personas.nodes")!.AsArray().Select(n => n!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Helpful assistant", names);
        Assert.Contains("Code reviewer", names);
        Assert.Contains("Translator", names);
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);
        Assert.Equal(names.Count, result.Int("data.personas.totalCount"));
    }
}

public sealed class PersonaQueriesOnSqliteTests(SqliteServer server) : PersonaQueriesTests(server), IClassFixture<SqliteServer>;

public sealed class PersonaQueriesOnPostgresTests(PostgresServer server) : PersonaQueriesTests(server), IClassFixture<PostgresServer>;
