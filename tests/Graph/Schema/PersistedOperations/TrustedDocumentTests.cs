using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.PersistedOperations;

/// <summary>A manifest of trusted documents (as GraphQL Codegen's client preset writes it), run by `documentId`.</summary>
public static class TrustedManifest
{
    public const string Query = "query TrustedPersonas { personas(first: 2) { nodes { name } } }";
    public const string BareId = "e1b8c5d07a4f4b3c9f1c2a0b7d6e5f40";

    public static string Hash { get; } = PersistedQueries.Sha256(Query);

    /// <summary>Writes a manifest with <see cref="Query"/> under a bare id and under its hash; returns its path.</summary>
    public static string Write()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trusted-documents-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, string> { [BareId] = Query, [Hash] = Query }));
        return path;
    }

    public static Task<HttpResponseMessage> PostAsync(PlatformServer server, string documentId, string? query = null)
    {
        var body = new JsonObject { ["documentId"] = documentId };
        if (query is not null)
            body["query"] = query;
        return server.SendGraphQLAsync(HttpMethod.Post, body: body.ToJsonString());
    }
}

public sealed class TrustedDocumentTests(TrustedDocumentTests.ManifestServer server) : IClassFixture<TrustedDocumentTests.ManifestServer>
{
    public sealed class ManifestServer : ConfiguredSqliteServer
    {
        public ManifestServer() => Set("GraphQL:TrustedDocuments:ManifestPath", TrustedManifest.Write());
    }

    [Theory]
    [InlineData(TrustedManifest.BareId)]
    [InlineData("sha256:%HASH%")]
    [InlineData("%HASH%")]
    public async Task DocumentId_InTheManifest_RunsItsDocument(string documentId)
    {
        using var response = await TrustedManifest.PostAsync(server, documentId.Replace("%HASH%", TrustedManifest.Hash, StringComparison.Ordinal));

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json);
        Assert.Equal(2, body.ShouldHaveNoErrors().At("data.personas.nodes")!.AsArray().Count);
    }

    [Fact]
    public async Task DocumentId_NotInTheManifest_DocumentNotFound()
    {
        using var response = await TrustedManifest.PostAsync(server, "sha256:" + PersistedQueries.Sha256("{ __typename }"));

        Assert.Equal(["DOCUMENT_NOT_FOUND"], (await response.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ErrorCodes());
    }

    [Fact]
    public async Task AnyQuery_TrustedOnlyOff_StillRuns()
    {
        var result = await server.PostGraphQLAsync("{ __typename }");

        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__typename"));
    }
}

/// <summary>With only trusted documents allowed, anything else is refused, persisted queries included.</summary>
public sealed class TrustedDocumentsOnlyTests(TrustedDocumentsOnlyTests.TrustedOnlyServer server) : IClassFixture<TrustedDocumentsOnlyTests.TrustedOnlyServer>
{
    public sealed class TrustedOnlyServer : ConfiguredSqliteServer
    {
        public TrustedOnlyServer()
        {
            Set("GraphQL:TrustedDocuments:ManifestPath", TrustedManifest.Write());
            Set("GraphQL:TrustedDocuments:AllowOnlyTrusted", "true");
        }
    }

    [Fact]
    public async Task DocumentId_InTheManifest_Runs()
    {
        using var response = await TrustedManifest.PostAsync(server, TrustedManifest.BareId);

        (await response.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ShouldHaveNoErrors();
    }

    [Fact]
    public async Task Query_Refused()
    {
        using var response = await server.SendGraphQLAsync(HttpMethod.Post, body: """{ "query": "{ __typename }" }""");

        var body = await response.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json);
        Assert.Equal(["DOCUMENT_ID_MISSING"], body.ErrorCodes());
        Assert.False(body.ContainsKey("data"));
    }

    [Fact]
    public async Task PersistedQueryWithItsQuery_RefusedAndNotRegistered()
    {
        var query = PersistedQueries.UniqueQuery();
        var hash = PersistedQueries.Sha256(query);

        using var withQuery = await PersistedQueries.PostAsync(server, hash, query);
        using var hashOnly = await PersistedQueries.PostAsync(server, hash);

        Assert.Equal(["DOCUMENT_ID_MISSING"], (await withQuery.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ErrorCodes());
        Assert.Equal(["PERSISTED_QUERY_NOT_FOUND"], (await hashOnly.ReadGraphQLAsync(HttpStatusCode.OK, GraphQLHttp.Json)).ErrorCodes());
    }
}
