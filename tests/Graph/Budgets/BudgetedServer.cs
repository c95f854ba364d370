using System.Globalization;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Graph.Tests.Budgets;

/// <summary>
/// A streaming server where every user may spend <see cref="DailyTokens"/> token a day and start
/// <see cref="RequestsPerMinute"/> generations a minute, with an admin (<see cref="AuthSettings.AdminEmail"/>). Budgets
/// and rate limits count on <see cref="Clock"/>, which only the tests move; usage rows keep real time.
/// </summary>
public sealed class BudgetedServer : StreamingServer
{
    public const int DailyTokens = 1;
    public const int RequestsPerMinute = 3;

    public BudgetedServer()
    {
        Set("Auth:AdminEmails:0", AuthSettings.AdminEmail);
        Set("Auth:TokenRequestsPerMinute", "100000");
        Set("Auth:RequireHttps", "false");
        Set("Budgets:Roles:user:DailyTokens", DailyTokens.ToString(CultureInfo.InvariantCulture));
        Set("Llm:RateLimits:Enabled", "true");
        Set("Llm:RateLimits:RequestsPerMinute", RequestsPerMinute.ToString(CultureInfo.InvariantCulture));
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IGenerationBudget>(sp => new GenerationBudget(
            sp.GetRequiredService<BudgetReader>(), sp.GetRequiredService<IBudgetCounters>(), sp.GetRequiredService<IOptionsMonitor<BudgetOptions>>(), Clock,
            sp.GetRequiredService<ILogger<GenerationBudget>>()));
        services.AddSingleton<IGenerationRateLimiter>(sp => new InMemoryGenerationRateLimiter(
            sp.GetRequiredService<IOptions<RateLimitOptions>>(), Clock, sp.GetRequiredService<ILogger<InMemoryGenerationRateLimiter>>()));
    }
}

/// <summary>The admin and ids, as clients get them.</summary>
public static class BudgetAccounts
{
    private static readonly SemaphoreSlim AdminGate = new(1, 1);

    /// <summary>A token of the server's admin, signing them up on first use.</summary>
    public static async Task<string> AdminTokenAsync(this PlatformServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        await AdminGate.WaitAsync();
        try
        {
            using var response = await server.RequestTokenAsync(
                ("grant_type", "password"), ("client_id", Accounts.FirstPartyClient), ("username", AuthSettings.AdminEmail), ("password", Accounts.Password), ("scope", "api"));
            return response.IsSuccessStatusCode
                ? (await Accounts.ReadTokenAsync(response))["access_token"]!.GetValue<string>()
                : (await server.SignUpAsync(AuthSettings.AdminEmail)).Token;
        }
        finally
        {
            AdminGate.Release();
        }
    }

    /// <summary>The global id of the token's user.</summary>
    public static async Task<string> UserIdAsync(this PlatformServer server, string token) =>
        (await server.PostGraphQLWithTokenAsync(token, "{ me { id } }")).ShouldHaveNoErrors().String("data.me.id")!;
}
