using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Limits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Limits;

/// <summary>
/// The pipeline counts what a generation used however it ends, before its final event, and refuses the caller's next
/// one while the tokens of the minute are spent; bad input is refused for what it is, before any limit is looked at.
/// </summary>
public sealed class GenerationServiceRateLimitTests : IClassFixture<TokenLimitedHost>
{
    private readonly TokenLimitedHost _host;

    public GenerationServiceRateLimitTests(TokenLimitedHost host)
    {
        _host = host;
        // Every test starts on a new day: whatever an earlier test counted has left every window.
        host.Clock.Advance(TimeSpan.FromDays(1));
    }

    private GenerationService Generations => _host.Get<GenerationService>();

    [Fact]
    public async Task Start_AfterAGenerationSpentTheTokensPerMinute_IsRateLimitedAndWritesNothing()
    {
        await RunToTheEndAsync("spend the minute's tokens");
        var before = await _host.ReadAsync(db => db.Messages.CountAsync());

        var start = await StartAsync("one more");

        Assert.Null(start.Started);
        var error = Assert.Single(start.Errors);
        Assert.Equal(GenerationErrorCodes.RateLimited, error.Code);
        Assert.Null(error.Field);
        Assert.InRange(error.RetryAfter.GetValueOrDefault(), TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1));
        Assert.Equal(before, await _host.ReadAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task Start_RateLimited_GoesThroughOnceRetryAfterHasPassed()
    {
        await RunToTheEndAsync("spend the minute's tokens");
        var refused = await StartAsync("too soon");

        _host.Clock.Advance(refused.Errors[0].RetryAfter!.Value);

        // Accepted, and run to its end, so that its tokens are not counted in the next test's window.
        await RunToTheEndAsync("now then");
    }

    [Fact]
    public async Task Start_BadInputWhileRateLimited_IsRefusedForTheInput()
    {
        await RunToTheEndAsync("spend the minute's tokens");

        var start = await StartAsync("   ");

        Assert.Equal([GenerationErrorCodes.Required], start.Errors.Select(e => e.Code));
    }

    private Task<GenerationStart> StartAsync(string prompt) =>
        Generations.StartAsync(new GenerationRequest(null, null, prompt, null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);

    private async Task RunToTheEndAsync(string prompt)
    {
        var start = await StartAsync(prompt);
        Assert.Empty(start.Errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        GenerationEvent? last = null;
        await foreach (var generationEvent in Generations.WatchAsync(start.Started!.GenerationId, null, new Viewer(LocalUser.Id, false), timeout.Token))
            last = generationEvent;
        Assert.IsType<GenerationCompleted>(last);
    }
}

/// <summary>
/// Callers may use one token a minute, so any generation spends the minute's tokens. The limits count on
/// <see cref="Clock"/>, which only the tests move; everything else keeps real time.
/// </summary>
public sealed class TokenLimitedHost : LlmHost
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings.Where(s => !s.Key.StartsWith(RateLimitOptions.Section, StringComparison.Ordinal)),
        new("Llm:RateLimits:Enabled", "true"),
        new("Llm:RateLimits:RequestsPerMinute", "0"),
        new("Llm:RateLimits:TokensPerMinute", "1"),
        new("Llm:RateLimits:TokensPerDay", "0"),
    ];

    protected override void ConfigureHost(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IGenerationRateLimiter>(sp => new InMemoryGenerationRateLimiter(
            sp.GetRequiredService<IOptions<RateLimitOptions>>(), Clock, sp.GetRequiredService<ILogger<InMemoryGenerationRateLimiter>>()));
    }
}
