using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.Introspection;

/// <summary>Introspection is off by default in Production: `__schema` and `__type` are refused on every transport, `__typename` is not.</summary>
public sealed class IntrospectionOffTests(ProductionServer server) : IClassFixture<ProductionServer>
{
    public static TheoryData<string, string> IntrospectionOnEveryTransport()
    {
        var data = new TheoryData<string, string>();
        foreach (var transport in new[] { Transports.Http, Transports.WebSocket, Transports.Sse })
        {
            data.Add(transport, "{ __schema { queryType { name } } }");
            data.Add(transport, """{ __type(name: "Persona") { name } }""");
            data.Add(transport, "{ ...Hidden } fragment Hidden on Query { __typename __schema { types { name } } }");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IntrospectionOnEveryTransport))]
    public async Task Introspection_Off_RefusedWithIntrospectionDisabledAndNoData(string transport, string query)
    {
        var result = await server.ExecuteAsync(transport, query);

        Assert.Equal(["INTROSPECTION_DISABLED"], result.ErrorCodes());
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
    }

    [Fact]
    public async Task Introspection_Off_RefusedAgainWhenSentAgain()
    {
        const string Query = "query Again { __schema { queryType { name } } }";

        await server.PostGraphQLAsync(Query);
        var again = await server.PostGraphQLAsync(Query);

        Assert.Equal(["INTROSPECTION_DISABLED"], again.ErrorCodes());
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Typename_IntrospectionOff_IsAnswered(string transport)
    {
        var result = await server.ExecuteAsync(transport, "{ __typename personas(first: 1) { __typename } }");

        Assert.Equal("PersonaConnection", result.ShouldHaveNoErrors().String("data.personas.__typename"));
    }
}

/// <summary>The switch overrides the Production default.</summary>
public sealed class IntrospectionOnInProductionTests(IntrospectionOnInProductionTests.OnInProductionServer server)
    : IClassFixture<IntrospectionOnInProductionTests.OnInProductionServer>
{
    public sealed class OnInProductionServer : ProductionServer
    {
        public OnInProductionServer() => Set("GraphQL:EnableIntrospection", "true");
    }

    [Fact]
    public async Task Introspection_SwitchedOnInProduction_IsAnswered()
    {
        var result = await server.PostGraphQLAsync("{ __schema { queryType { name } } }");

        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__schema.queryType.name"));
    }
}

/// <summary>The switch overrides the default of other environments.</summary>
public sealed class IntrospectionOffOutsideProductionTests(IntrospectionOffOutsideProductionTests.OffServer server)
    : IClassFixture<IntrospectionOffOutsideProductionTests.OffServer>
{
    public sealed class OffServer : ConfiguredSqliteServer
    {
        public OffServer() => Set("GraphQL:EnableIntrospection", "false");
    }

    [Fact]
    public async Task Introspection_SwitchedOffOutsideProduction_IsRefused()
    {
        var result = await server.PostGraphQLAsync("{ __schema { queryType { name } } }");

        Assert.Equal(["INTROSPECTION_DISABLED"], result.ErrorCodes());
    }
}
