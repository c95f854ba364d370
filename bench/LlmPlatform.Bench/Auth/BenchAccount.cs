using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.Auth;

/// <summary>
/// The signed-in side of the auth benchmarks, set up as a client does it: <c>register</c> over GraphQL, then the
/// password grant of the first-party client at <c>/connect/token</c>; the access token is what every request or
/// <c>connection_init</c> of the "with token" side carries.
/// </summary>
public sealed class BenchAccount
{
    public const string Email = "bench@example.test";
    public const string Password = "Str0ng!passw0rd";
    public const string ClientId = "llmplatform";
    public const string Scope = "api";

    private BenchAccount(string accessToken, TimeSpan lifetime, int tokenLength)
    {
        AccessToken = accessToken;
        Lifetime = lifetime;
        TokenLength = tokenLength;
    }

    public string AccessToken { get; }

    /// <summary>The <c>Authorization</c> header value (and <c>connection_init</c> payload value) carrying the token.</summary>
    public string Authorization => "Bearer " + AccessToken;

    /// <summary>The token's lifetime as the token endpoint stated it (<c>expires_in</c>).</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Characters in the token (an encrypted JWT: five base64url parts).</summary>
    public int TokenLength { get; }

    /// <summary>Registers the bench's account on the app at <paramref name="graphql"/> and signs it in.</summary>
    public static async Task<BenchAccount> SignUpAsync(Uri graphql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graphql);
        using var client = new HttpClient();
        var registered = await PostAsync(
            client, graphql, null,
            "mutation($input: RegisterInput!) { register(input: $input) { user { id } userErrors { code message } } }",
            new JsonObject { ["input"] = new JsonObject { ["email"] = Email, ["password"] = Password } },
            cancellationToken);
        if (registered["data"]?["register"]?["userErrors"] is not JsonArray { Count: 0 })
            throw new BenchmarkFailedException("register failed: " + registered.ToJsonString());

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = ClientId,
            ["username"] = Email,
            ["password"] = Password,
            ["scope"] = Scope,
        });
        using var response = await client.PostAsync(new Uri(graphql, "/connect/token"), form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || JsonNode.Parse(body) is not JsonObject token || token["access_token"]?.GetValue<string>() is not { } accessToken)
            throw new BenchmarkFailedException($"the token endpoint answered {(int)response.StatusCode}: {body}");
        var lifetime = TimeSpan.FromSeconds(token["expires_in"]?.GetValue<double>() ?? 0);
        return new BenchAccount(accessToken, lifetime, accessToken.Length);
    }

    /// <summary>POSTs one operation (with <paramref name="authorization"/> when not null); the JSON answer, which must be 2xx.</summary>
    public static async Task<JsonObject> PostAsync(
        HttpClient client, Uri graphql, string? authorization, string query, JsonObject? variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (status, body) = await PostRawAsync(client, graphql, authorization, query, variables, cancellationToken);
        if (status is < 200 or > 299 || JsonNode.Parse(body) is not JsonObject json)
            throw new BenchmarkFailedException($"{graphql} answered {status}: {body}");
        return json;
    }

    /// <summary>POSTs one operation as the load generator does; the status and body as they came.</summary>
    public static async Task<(int Status, string Body)> PostRawAsync(
        HttpClient client, Uri graphql, string? authorization, string query, JsonObject? variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var payload = new JsonObject { ["query"] = query };
        if (variables is not null)
            payload["variables"] = variables;
        using var request = new HttpRequestMessage(HttpMethod.Post, graphql)
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
