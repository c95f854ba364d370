using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Schema.PersistedOperations;

/// <summary>Requests of Apollo's automatic persisted queries: a query's hash in `extensions.persistedQuery`, with or without the query.</summary>
public static class PersistedQueries
{
    /// <summary>A query no other test sends, so that its hash is registered nowhere yet.</summary>
    public static string UniqueQuery() => $"query Unique_{Guid.NewGuid():N} {{ personas(first: 1) {{ totalCount }} }}";

    public static string Sha256(string query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)));

    public static JsonObject Extensions(string hash, int version = 1) =>
        new() { ["persistedQuery"] = new JsonObject { ["version"] = version, ["sha256Hash"] = hash } };

    /// <summary>The JSON body of a POST: the hash, and the query when <paramref name="query"/> is given.</summary>
    public static string Body(string hash, string? query = null)
    {
        var body = new JsonObject { ["extensions"] = Extensions(hash) };
        if (query is not null)
            body["query"] = query;
        return body.ToJsonString();
    }

    public static Task<HttpResponseMessage> PostAsync(PlatformServer server, string hash, string? query = null, string accept = GraphQLHttp.Json) =>
        server.SendGraphQLAsync(HttpMethod.Post, body: Body(hash, query), accept: accept);

    /// <summary>A GET as Apollo's link sends one with <c>useGETForHashedQueries</c>.</summary>
    public static Task<HttpResponseMessage> GetAsync(PlatformServer server, string hash, string? query = null, string accept = GraphQLHttp.Json)
    {
        var parameters = new List<(string, string)> { ("extensions", Extensions(hash).ToJsonString()) };
        if (query is not null)
            parameters.Add(("query", query));
        return server.SendGraphQLAsync(HttpMethod.Get, GraphQLHttp.QueryString([.. parameters]), accept: accept);
    }
}
