using System.Globalization;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Budgets;

/// <summary>
/// Past their budget, a user's generations are refused with BUDGET_EXCEEDED, when it renews and the seconds to wait,
/// on every transport, writing nothing and costing no rate limit; at the period's edge they go through again.
/// </summary>
public sealed class BudgetEnforcementTests : IClassFixture<BudgetedServer>
{
    private const string Start = "mutation Start($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code message field retryAfter resetsAt } } }";

    private readonly BudgetedServer _server;

    public BudgetEnforcementTests(BudgetedServer server)
    {
        _server = server;
        // Every test starts on a new day: whatever an earlier test counted has left every window.
        server.Clock.Advance(TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task StartGeneration_PastTheDailyTokens_IsBudgetExceededUntilMidnightAndWritesNothing()
    {
        var (_, token) = await _server.SignUpAsync();
        await SpendTheDayAsync(token);
        var before = await _server.CountRowsAsync();

        var result = (await _server.PostGraphQLWithTokenAsync(token, Start, Input())).ShouldHaveNoErrors();

        Assert.Null(result.At("data.startGeneration.generation"));
        var error = Assert.Single(result.At("data.startGeneration.userErrors")!.AsArray())!;
        Assert.Equal("BUDGET_EXCEEDED", error.String("code"));
        var midnight = new DateTimeOffset(_server.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight, DateTimeOffset.Parse(error.String("resetsAt")!, CultureInfo.InvariantCulture));
        Assert.Equal((int)Math.Ceiling((midnight - _server.Clock.GetUtcNow()).TotalSeconds), error.Int("retryAfter"));
        Assert.Equal(before, await _server.CountRowsAsync());
        var me = (await _server.PostGraphQLWithTokenAsync(token, "{ me { budget { source dailyTokens exceeded resetsAt remaining { dailyTokens monthlyTokens } } } }"))
            .ShouldHaveNoErrors().At("data.me.budget")!;
        Assert.Equal(("ROLE", BudgetedServer.DailyTokens, true, 0), (me.String("source"), me.Int("dailyTokens"), me["exceeded"]!.GetValue<bool>(), me.Int("remaining.dailyTokens")));
        Assert.Null(me.At("remaining.monthlyTokens"));
    }

    [Fact]
    public async Task StartGeneration_BudgetExceeded_GoesThroughAtMidnight()
    {
        var (_, token) = await _server.SignUpAsync();
        await SpendTheDayAsync(token);
        var refused = (await _server.PostGraphQLWithTokenAsync(token, Start, Input())).ShouldHaveNoErrors().At("data.startGeneration.userErrors[0]")!;

        _server.Clock.Advance(DateTimeOffset.Parse(refused.String("resetsAt")!, CultureInfo.InvariantCulture) - _server.Clock.GetUtcNow());

        Assert.Equal("BUDGET_EXCEEDED", refused.String("code"));
        await SpendTheDayAsync(token);
    }

    [Fact]
    public async Task StartGeneration_RefusedForTheBudget_CostsNoRateLimit()
    {
        var (_, token) = await _server.SignUpAsync();
        await SpendTheDayAsync(token);
        for (var i = 0; i < BudgetedServer.RequestsPerMinute + 1; i++)
        {
            var refused = (await _server.PostGraphQLWithTokenAsync(token, Start, Input())).ShouldHaveNoErrors();
            Assert.Equal("BUDGET_EXCEEDED", refused.String("data.startGeneration.userErrors[0].code"));
        }
        var admin = await _server.AdminTokenAsync();
        var raised = await _server.PostGraphQLWithTokenAsync(admin,
            "mutation($input: SetUserBudgetInput!) { setUserBudget(input: $input) { userErrors { code } } }",
            new { input = new { userId = await UserIdAsync(token), dailyTokens = 1_000_000 } });
        Assert.Empty(raised.ShouldHaveNoErrors().At("data.setUserBudget.userErrors")!.AsArray());

        // One generation counted a minute ago and this one: within the limit only if no refusal was counted.
        await SpendTheDayAsync(token);
    }

    [Theory]
    [InlineData(ReferenceClients.GraphQLWs)]
    [InlineData(ReferenceClients.GraphQLSse)]
    public async Task Generate_PastTheBudget_IsABudgetExceededErrorWithResetsAtAndWritesNothing(string client)
    {
        var (_, token) = await _server.SignUpAsync();
        await SpendTheDayAsync(token);
        var before = await _server.CountRowsAsync();

        var outcome = (await ReferenceClients.RunWithTokenAsync(_server, client, token, (GenerationStreams.Generate, Input())))[0];

        var result = Assert.Single(outcome.ShouldHaveCompleted().Results)!;
        Assert.Null(result["data"]?["generate"]);
        var error = Assert.Single(result["errors"]!.AsArray())!;
        Assert.Equal("BUDGET_EXCEEDED", error.String("extensions.code"));
        Assert.Equal(new DateTimeOffset(_server.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero),
            DateTimeOffset.Parse(error.String("extensions.resetsAt")!, CultureInfo.InvariantCulture));
        Assert.True(error.Int("extensions.retryAfter") > 0);
        Assert.Equal(before, await _server.CountRowsAsync());
    }

    /// <summary>Starts a generation (any spends the day's token) and waits until it is stored.</summary>
    private async Task SpendTheDayAsync(string token)
    {
        var started = (await _server.PostGraphQLWithTokenAsync(token, Start, Input())).ShouldHaveNoErrors();
        Assert.True(started.At("data.startGeneration.userErrors")!.AsArray().Count == 0, started.ToJsonString());
        var id = started.String("data.startGeneration.generation.id")!;
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while ((await _server.PostGraphQLWithTokenAsync(token, "query($id: ID!) { generation(id: $id) { status } }", new { id })).String("data.generation.status") == "RUNNING")
        {
            Assert.True(DateTime.UtcNow < deadline, "The generation did not finish.");
            await Task.Delay(50);
        }
    }

    private Task<string> UserIdAsync(string token) => _server.UserIdAsync(token);

    private static JsonObject Input() => GenerationStreams.Input(GenerationStreams.UniquePrompt("budget"), maxTokens: 2);
}
