using System.Globalization;
using LlmPlatform.Llm.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// A streaming server whose callers may start <see cref="RequestsPerMinute"/> generations a minute. The limits count
/// on <see cref="Clock"/>, which only the tests move, so a limit recovers without anyone waiting a minute; everything
/// else keeps real time.
/// </summary>
public sealed class RateLimitedServer : StreamingServer
{
    public const int RequestsPerMinute = 2;

    public RateLimitedServer()
    {
        Set("Llm:RateLimits:Enabled", "true");
        Set("Llm:RateLimits:RequestsPerMinute", RequestsPerMinute.ToString(CultureInfo.InvariantCulture));
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IGenerationRateLimiter>(sp => new InMemoryGenerationRateLimiter(
            sp.GetRequiredService<IOptions<RateLimitOptions>>(), Clock, sp.GetRequiredService<ILogger<InMemoryGenerationRateLimiter>>()));
}
