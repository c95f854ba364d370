using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Users;

namespace LlmPlatform.Graph.Tests.Budgets;

/// <summary>Admins set and clear a user's own budget, which the user sees as theirs; anyone else is refused, and bad input changes nothing.</summary>
public sealed class BudgetMutationsTests(BudgetedServer server) : IClassFixture<BudgetedServer>
{
    private const string Set = "mutation($input: SetUserBudgetInput!) { setUserBudget(input: $input) { user { id } userErrors { code field } } }";
    private const string Clear = "mutation($input: ClearUserBudgetInput!) { clearUserBudget(input: $input) { user { id } userErrors { code field } } }";
    private const string MyBudget = "{ me { budget { source dailyTokens monthlyTokens dailyCost monthlyCost } } }";

    [Fact]
    public async Task SetUserBudget_ByAdmin_IsTheUsersBudget_AndClearUserBudget_BringsBackTheRoles()
    {
        var (_, token) = await server.SignUpAsync();
        var userId = await server.UserIdAsync(token);
        var admin = await server.AdminTokenAsync();

        var set = (await server.PostGraphQLWithTokenAsync(admin, Set,
            new { input = new { userId, dailyTokens = 5000, monthlyTokens = (long?)null, dailyCost = 0.5, monthlyCost = 10.25 } })).ShouldHaveNoErrors();
        var own = (await server.PostGraphQLWithTokenAsync(token, MyBudget)).ShouldHaveNoErrors().At("data.me.budget")!;
        var cleared = (await server.PostGraphQLWithTokenAsync(admin, Clear, new { input = new { userId } })).ShouldHaveNoErrors();
        var role = (await server.PostGraphQLWithTokenAsync(token, MyBudget)).ShouldHaveNoErrors().At("data.me.budget")!;

        Assert.Equal(userId, set.String("data.setUserBudget.user.id"));
        Assert.Equal("USER", own.String("source"));
        Assert.Equal(5000, own.Int("dailyTokens"));
        Assert.Null(own["monthlyTokens"]);
        Assert.Equal(0.5, own["dailyCost"]!.GetValue<double>());
        Assert.Equal(10.25, own["monthlyCost"]!.GetValue<double>());
        Assert.Equal(userId, cleared.String("data.clearUserBudget.user.id"));
        Assert.Equal("ROLE", role.String("source"));
        Assert.Equal(BudgetedServer.DailyTokens, role.Int("dailyTokens"));
    }

    [Fact]
    public async Task SetUserBudget_ByANonAdmin_IsForbiddenAndStoresNothing()
    {
        var (_, token) = await server.SignUpAsync();
        var userId = await server.UserIdAsync(token);
        var before = await server.CountAsync<UserBudget>();

        var set = await server.PostGraphQLWithTokenAsync(token, Set, new { input = new { userId, dailyTokens = 1_000_000 } });
        var clear = await server.PostGraphQLWithTokenAsync(token, Clear, new { input = new { userId } });

        Assert.Equal("FORBIDDEN", set.String("errors[0].extensions.code"));
        Assert.Equal("FORBIDDEN", clear.String("errors[0].extensions.code"));
        Assert.Equal(before, await server.CountAsync<UserBudget>());
    }

    [Fact]
    public async Task SetUserBudget_BadInput_ReturnsTypedUserErrorsAndStoresNothing()
    {
        var (_, token) = await server.SignUpAsync();
        var userId = await server.UserIdAsync(token);
        var admin = await server.AdminTokenAsync();
        var before = await server.CountAsync<UserBudget>();

        var negative = (await server.PostGraphQLWithTokenAsync(admin, Set,
            new { input = new { userId, dailyTokens = -1, monthlyTokens = 10, dailyCost = -0.01, monthlyCost = 1e12 } })).ShouldHaveNoErrors();
        var unknown = (await server.PostGraphQLWithTokenAsync(admin, Set,
            new { input = new { userId = GlobalId.Encode(UserGraphType.TypeName, Guid.NewGuid()), dailyTokens = 10 } })).ShouldHaveNoErrors();
        var unknownClear = (await server.PostGraphQLWithTokenAsync(admin, Clear, new { input = new { userId = "not-an-id" } })).ShouldHaveNoErrors();

        Assert.Null(negative.At("data.setUserBudget.user"));
        Assert.Equal(
            ["OUT_OF_RANGE input.dailyTokens", "OUT_OF_RANGE input.dailyCost", "OUT_OF_RANGE input.monthlyCost"],
            negative.At("data.setUserBudget.userErrors")!.AsArray().Select(e => e!.String("code") + " " + string.Join(".", e!.At("field").Path())));
        Assert.Equal("NOT_FOUND", unknown.String("data.setUserBudget.userErrors[0].code"));
        Assert.Equal("NOT_FOUND", unknownClear.String("data.clearUserBudget.userErrors[0].code"));
        Assert.Equal(before, await server.CountAsync<UserBudget>());
    }
}
