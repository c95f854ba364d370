using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>Accounts and tokens as a client gets them: <c>register</c>, then <c>/connect/token</c>.</summary>
public static class Accounts
{
    public const string Password = "Str0ng!passw0rd";
    public const string FirstPartyClient = "llmplatform";

    public static string UniqueEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.test";

    /// <summary>Registers an account through the API and returns its email.</summary>
    public static async Task<string> RegisterAsync(this PlatformServer server, string? email = null, string password = Password)
    {
        ArgumentNullException.ThrowIfNull(server);
        email ??= UniqueEmail();
        var result = await server.PostGraphQLAsync(
            "mutation($input: RegisterInput!) { register(input: $input) { user { email } userErrors { code message } } }",
            new { input = new { email, password } });
        Assert.True(result["data"]?["register"]?["userErrors"]?.AsArray().Count == 0, "register failed: " + result.ToJsonString());
        return email;
    }

    /// <summary>Any token request, as a form POST to /connect/token.</summary>
    public static Task<HttpResponseMessage> RequestTokenAsync(this PlatformServer server, params (string Name, string Value)[] form)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Client.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))));
    }

    /// <summary>The password grant of the first-party client; fails the test unless a token is issued.</summary>
    public static async Task<JsonObject> PasswordGrantAsync(this PlatformServer server, string email, string password = Password, string scope = "api offline_access")
    {
        using var response = await server.RequestTokenAsync(
            ("grant_type", "password"), ("client_id", FirstPartyClient), ("username", email), ("password", password), ("scope", scope));
        return await ReadTokenAsync(response);
    }

    public static async Task<JsonObject> ReadTokenAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected a token, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>A new account and its access token.</summary>
    public static async Task<(string Email, string Token)> SignUpAsync(this PlatformServer server, string? email = null)
    {
        email = await server.RegisterAsync(email);
        var token = await server.PasswordGrantAsync(email);
        return (email, token["access_token"]!.GetValue<string>());
    }

    /// <summary>POSTs an operation with a bearer token (none when null) and returns the response as it came.</summary>
    public static Task<HttpResponseMessage> PostGraphQLRawWithTokenAsync(this PlatformServer server, string? token, string query, object? variables = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Client.SendAsync(request);
    }

    /// <summary>POSTs an operation with a bearer token and returns its JSON body.</summary>
    public static async Task<JsonObject> PostGraphQLWithTokenAsync(this PlatformServer server, string? token, string query, object? variables = null)
    {
        using var response = await server.PostGraphQLRawWithTokenAsync(token, query, variables);
        var body = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException($"Not a JSON object ({(int)response.StatusCode}): {body}");
    }
}
