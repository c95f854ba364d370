using LlmPlatform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Budgets;

/// <summary>A bad budget setting stops the host at start-up, naming it, instead of the first generation.</summary>
public sealed class BudgetOptionsTests
{
    [Theory]
    [InlineData("Budgets:TimeZone", "Mars/Olympus_Mons", "Budgets:TimeZone \"Mars/Olympus_Mons\"")]
    [InlineData("Budgets:Roles:user:DailyTokens", "-1", "Budgets:Roles:user has a negative limit")]
    [InlineData("Budgets:Roles:admin:MonthlyCost", "-0.5", "Budgets:Roles:admin has a negative limit")]
    public async Task Start_WithABadBudgetSetting_FailsNamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new(key, value), new("ConnectionStrings:Sqlite", "Data Source=:memory:"), new("Data:MigrateOnStartup", "false")]);
        builder.AddData();
        builder.AddLlm();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
