using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Auth;

public sealed partial class TokenEndpointTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    private const string Me = "{ me { email displayName roles } }";

    [Fact]
    public async Task PasswordGrant_RegisteredUser_TokenActsAsThem()
    {
        var email = await server.RegisterAsync();

        var token = await server.PasswordGrantAsync(email);

        Assert.Equal("Bearer", token["token_type"]?.GetValue<string>());
        Assert.True(token["expires_in"]?.GetValue<int>() > 0);
        var me = (await server.PostGraphQLWithTokenAsync(token["access_token"]!.GetValue<string>(), Me))["data"]!["me"]!;
        Assert.Equal(email, me["email"]?.GetValue<string>());
        Assert.Equal(["user"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task PasswordGrant_AdminEmail_GetsTheAdminRole()
    {
        var (_, token) = await server.SignUpAsync(AuthSettings.AdminEmail);

        var roles = (await server.PostGraphQLWithTokenAsync(token, Me))["data"]!["me"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>());

        Assert.Equal(["admin", "user"], roles.Order());
    }

    [Theory]
    [InlineData("wrong password")]
    [InlineData("unknown user")]
    public async Task PasswordGrant_BadCredentials_InvalidGrantAndNoToken(string what)
    {
        var email = await server.RegisterAsync();
        var (user, password) = what == "unknown user" ? (Accounts.UniqueEmail("nobody"), Accounts.Password) : (email, "Wr0ng!password");

        using var response = await server.RequestTokenAsync(
            ("grant_type", "password"), ("client_id", Accounts.FirstPartyClient), ("username", user), ("password", password));

        var body = await ErrorOfAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", body["error"]?.GetValue<string>());
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task PasswordGrant_UnknownClient_InvalidClient()
    {
        var email = await server.RegisterAsync();

        using var response = await server.RequestTokenAsync(
            ("grant_type", "password"), ("client_id", "no-such-client"), ("username", email), ("password", Accounts.Password));

        Assert.Equal("invalid_client", (await ErrorOfAsync(response, HttpStatusCode.Unauthorized))["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task PasswordGrant_RepeatedWrongPasswords_LockTheAccountEvenForTheRightOne()
    {
        var email = await server.RegisterAsync();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await server.RequestTokenAsync(
                ("grant_type", "password"), ("client_id", Accounts.FirstPartyClient), ("username", email), ("password", $"Wr0ng!guess{attempt}"));
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var right = await server.RequestTokenAsync(
            ("grant_type", "password"), ("client_id", Accounts.FirstPartyClient), ("username", email), ("password", Accounts.Password));

        var body = await ErrorOfAsync(right, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", body["error"]?.GetValue<string>());
        Assert.Contains("locked", body["error_description"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RefreshTokenGrant_WithOfflineAccess_IssuesAWorkingAccessToken()
    {
        var email = await server.RegisterAsync();
        var first = await server.PasswordGrantAsync(email, scope: "api offline_access");
        var refreshToken = first["refresh_token"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(refreshToken));

        using var response = await server.RequestTokenAsync(
            ("grant_type", "refresh_token"), ("client_id", Accounts.FirstPartyClient), ("refresh_token", refreshToken!));

        var refreshed = await Accounts.ReadTokenAsync(response);
        var me = (await server.PostGraphQLWithTokenAsync(refreshed["access_token"]!.GetValue<string>(), Me))["data"]!["me"]!;
        Assert.Equal(email, me["email"]?.GetValue<string>());
    }

    [Fact]
    public async Task RefreshTokenGrant_GarbageToken_InvalidGrant()
    {
        using var response = await server.RequestTokenAsync(
            ("grant_type", "refresh_token"), ("client_id", Accounts.FirstPartyClient), ("refresh_token", "not-a-refresh-token"));

        Assert.Equal("invalid_grant", (await ErrorOfAsync(response, HttpStatusCode.BadRequest))["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentialsGrant_ConfiguredService_ActsAsItsServiceUser()
    {
        using var response = await server.RequestTokenAsync(("grant_type", "client_credentials"),
            ("client_id", AuthSettings.ServiceClientId), ("client_secret", AuthSettings.ServiceClientSecret), ("scope", "api"));

        var token = await Accounts.ReadTokenAsync(response);
        var me = (await server.PostGraphQLWithTokenAsync(token["access_token"]!.GetValue<string>(), Me))["data"]!["me"]!;
        Assert.Equal("Reporting", me["displayName"]?.GetValue<string>());
        Assert.Null(me["email"]?.GetValue<string>());
        var created = await server.PostGraphQLWithTokenAsync(token["access_token"]!.GetValue<string>(),
            """mutation { createConversation(input: { title: "service work" }) { conversation { id } userErrors { code } } }""");
        Assert.Empty(created["data"]!["createConversation"]!["userErrors"]!.AsArray());
    }

    [Fact]
    public async Task ClientCredentialsGrant_WrongSecret_InvalidClient()
    {
        using var response = await server.RequestTokenAsync(("grant_type", "client_credentials"),
            ("client_id", AuthSettings.ServiceClientId), ("client_secret", "wrong-secret-wrong-secret"), ("scope", "api"));

        Assert.Equal("invalid_client", (await ErrorOfAsync(response, HttpStatusCode.Unauthorized))["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizationCode_WithPkce_SignInPageThenCodeThenToken()
    {
        var email = await server.RegisterAsync();
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize" + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = "llmplatform-explorer", ["response_type"] = "code", ["redirect_uri"] = AuthSettings.ExplorerRedirectUri,
            ["scope"] = "api offline_access", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "xyz",
        });

        using var page = await server.Client.GetAsync(authorize);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var hidden = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Equal(challenge, hidden["code_challenge"]);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = server.Client.BaseAddress };
        using var wrong = await browser.PostAsync("/connect/authorize", Form(hidden, email, "Wr0ng!password"));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("The email or password is wrong.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var signedIn = await browser.PostAsync("/connect/authorize", Form(hidden, email, Accounts.Password));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var redirect = signedIn.Headers.Location!;
        Assert.StartsWith(AuthSettings.ExplorerRedirectUri, redirect.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Equal("xyz", query["state"].ToString());

        using var badVerifier = await server.RequestTokenAsync(("grant_type", "authorization_code"), ("client_id", "llmplatform-explorer"),
            ("code", query["code"].ToString()), ("redirect_uri", AuthSettings.ExplorerRedirectUri), ("code_verifier", Base64Url(RandomNumberGenerator.GetBytes(32))));
        Assert.Equal("invalid_grant", (await ErrorOfAsync(badVerifier, HttpStatusCode.BadRequest))["error"]?.GetValue<string>());

        // A code is good for one exchange: the failed one above spent it, so get another.
        using var again = await browser.PostAsync("/connect/authorize", Form(hidden, email, Accounts.Password));
        var code = QueryHelpers.ParseQuery(again.Headers.Location!.Query)["code"].ToString();
        using var exchanged = await server.RequestTokenAsync(("grant_type", "authorization_code"), ("client_id", "llmplatform-explorer"),
            ("code", code), ("redirect_uri", AuthSettings.ExplorerRedirectUri), ("code_verifier", verifier));
        var token = await Accounts.ReadTokenAsync(exchanged);
        var me = (await server.PostGraphQLWithTokenAsync(token["access_token"]!.GetValue<string>(), Me))["data"]!["me"]!;
        Assert.Equal(email, me["email"]?.GetValue<string>());
    }

    [Fact]
    public async Task Authorize_WithoutPkce_Refused()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = server.Client.BaseAddress };

        using var response = await browser.GetAsync("/connect/authorize" + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = "llmplatform-explorer", ["response_type"] = "code", ["redirect_uri"] = AuthSettings.ExplorerRedirectUri, ["scope"] = "api",
        }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains("code_challenge", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task GraphQL_MalformedAuthorizationHeader_401AndNothingRuns(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"mutation { createConversation(input: {}) { conversation { id } } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var before = await server.CountAsync<Conversation>();

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await server.CountAsync<Conversation>());
    }

    private static FormUrlEncodedContent Form(Dictionary<string, string> hidden, string email, string password) =>
        new(hidden.Append(KeyValuePair.Create("login_email", email)).Append(KeyValuePair.Create("login_password", password)));

    private static async Task<JsonObject> ErrorOfAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
