using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Users;

public sealed class RegisterTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    private const string Register = "mutation($input: RegisterInput!) { register(input: $input) { user { id email roles } userErrors { field code message } } }";

    [Fact]
    public async Task Register_NewEmail_CreatesAUserWithTheUserRole()
    {
        var email = Accounts.UniqueEmail();

        var result = await server.PostGraphQLAsync(Register, new { input = new { email, password = Accounts.Password, displayName = "Ada" } });

        var user = result["data"]!["register"]!["user"]!;
        Assert.Equal(email, user["email"]!.GetValue<string>());
        Assert.Equal(["user"], user["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Empty(result["data"]!["register"]!["userErrors"]!.AsArray());
    }

    [Theory]
    [InlineData("", Accounts.Password, "REQUIRED", "email")]
    [InlineData("not-an-email", Accounts.Password, "INVALID", "email")]
    [InlineData("{unique}", "short", "WEAK_PASSWORD", "password")]
    [InlineData("{unique}", "alllowercaseletters", "WEAK_PASSWORD", "password")]
    [InlineData("{unique}", "", "REQUIRED", "password")]
    public async Task Register_BadInput_TypedErrorAndNoUserStored(string email, string password, string code, string field)
    {
        email = email.Replace("{unique}", Accounts.UniqueEmail(), StringComparison.Ordinal);
        var before = await server.CountAsync<PlatformUser>();

        var result = await server.PostGraphQLAsync(Register, new { input = new { email, password } });

        var payload = result["data"]!["register"]!;
        Assert.Null(payload["user"]);
        var error = payload["userErrors"]![0]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(["input", field], error["field"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(before, await server.CountAsync<PlatformUser>());
    }

    [Fact]
    public async Task Register_TakenEmail_TakenAndNothingChanged()
    {
        var email = await server.RegisterAsync();
        var before = await server.CountAsync<PlatformUser>();

        var result = await server.PostGraphQLAsync(Register, new { input = new { email = email.ToUpperInvariant(), password = Accounts.Password } });

        Assert.Equal("TAKEN", result["data"]!["register"]!["userErrors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await server.CountAsync<PlatformUser>());
        // The first owner's password still signs in.
        await server.PasswordGrantAsync(email);
    }

    [Fact]
    public async Task Register_OverlongPassword_TooLong()
    {
        var result = await server.PostGraphQLAsync(Register, new { input = new { email = Accounts.UniqueEmail(), password = "Aa1!" + new string('x', 600) } });

        Assert.Equal("TOO_LONG", result["data"]!["register"]!["userErrors"]![0]!["code"]!.GetValue<string>());
    }
}
