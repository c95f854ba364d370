using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.Introspection;

/// <summary>
/// The introspection query tools send (graphql-js's getIntrospectionQuery with every option) is answered, and what
/// it answers is the committed schema; introspection has a cost limit of its own that refuses deep documents.
/// </summary>
public sealed class StandardIntrospectionTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task StandardQuery_EveryOption_RebuildsTheCommittedSchemaInGraphQLJs()
    {
        var output = await NodeScript.RunAsync("introspection-round-trip.mjs",
            [server.GraphQLEndpoint.ToString(), Path.Combine(RepositoryRoot.Path, "schema.graphql")], "graphql", TimeSpan.FromSeconds(60));

        var printed = JsonNode.Parse(output)!;
        Assert.Equal(printed.String("fromFile"), printed.String("fromIntrospection"));
    }

    [Fact]
    public async Task DirectiveArguments_IncludeDeprecated_AnsweredWithDeprecationFields()
    {
        var result = await server.PostGraphQLAsync(
            """{ __schema { directives { name isRepeatable args(includeDeprecated: true) { name isDeprecated deprecationReason } } } }""");

        var skip = result.ShouldHaveNoErrors().At("data.__schema.directives")!.AsArray().Single(d => d!.String("name") == "skip")!;
        Assert.False(skip["isRepeatable"]!.GetValue<bool>());
        Assert.Equal("if", skip.String("args[0].name"));
        Assert.False(skip["args"]![0]!["isDeprecated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TypeOfAnInputType_IsOneOfAndSpecifiedByUrl_Answered()
    {
        var result = await server.PostGraphQLAsync("""{ __type(name: "DateTime") { kind specifiedByURL isOneOf } }""");

        var type = result.ShouldHaveNoErrors().At("data.__type")!;
        Assert.Equal("SCALAR", type.String("kind"));
        Assert.Null(type["specifiedByURL"]);
        Assert.Null(type["isOneOf"]);
    }

    public static TheoryData<string> DeepIntrospection() => new()
    {
        // ofType chains: linear, but deeper than any type of the schema can be.
        "{ __type(name: \"Query\") { " + string.Concat(Enumerable.Repeat("ofType { ", 25)) + "name" + new string('}', 26) + " }",
        // Lists nested in lists multiply the answer.
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        "{ __type(name: \"Query\") { fields { type { possibleTypes { interfaces { name } } } } } }",
        // The same through fragments.
        "{ __schema { types { ...A } } } fragment A on __Type { fields { type { ...B } } } fragment B on __Type { fields { type { fields { name } } } }",
    };

    [Theory]
    [MemberData(nameof(DeepIntrospection))]
    public async Task DeepIntrospection_RefusedWithItsCodeAndNoData(string query)
    {
        var result = await server.PostGraphQLAsync(query);

        Assert.Equal(["INTROSPECTION_TOO_DEEP"], result.ErrorCodes());
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
    }
}

/// <summary>Both introspection limits are settings: tighter ones refuse the standard query's depth and its one list level.</summary>
public sealed class IntrospectionLimitsTests(IntrospectionLimitsTests.TightServer server) : IClassFixture<IntrospectionLimitsTests.TightServer>
{
    public sealed class TightServer : ConfiguredSqliteServer
    {
        public TightServer()
        {
            Set("GraphQL:MaxIntrospectionDepth", "4");
            Set("GraphQL:MaxIntrospectionListDepth", "1");
        }
    }

    [Theory]
    [InlineData("{ __type(name: \"Query\") { ofType { ofType { ofType { name } } } } }")]
    [InlineData("{ __type(name: \"Query\") { fields { type { fields { name } } } } }")]
    public async Task BeyondTheConfiguredLimits_Refused(string query)
    {
        var result = await server.PostGraphQLAsync(query);

        Assert.Equal(["INTROSPECTION_TOO_DEEP"], result.ErrorCodes());
    }

    [Fact]
    public async Task WithinTheConfiguredLimits_Answered()
    {
        var result = await server.PostGraphQLAsync("{ __type(name: \"Query\") { fields { type { name } } } }");

        Assert.NotEmpty(result.ShouldHaveNoErrors().At("data.__type.fields")!.AsArray());
    }
}
