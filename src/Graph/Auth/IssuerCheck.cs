using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Warns at start-up when a Production or Staging instance has no <c>Auth:Issuer</c>. One instance works without it;
/// several behind a load balancer do not (a token names the address it was issued at, and another instance reached
/// at another address refuses it), so it is a warning, not a refusal to start.
/// </summary>
internal sealed partial class IssuerCheck(IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<IssuerCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Issuer is null && (environment.IsProduction() || environment.IsStaging()))
            LogNoIssuer(logger, environment.EnvironmentName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning,
        Message = "Auth:Issuer is not set in {Environment}: tokens name the address each request came to, so with several instances behind a load balancer a token from one may be refused by another; set Auth:Issuer to the public URI")]
    private static partial void LogNoIssuer(ILogger logger, string environment);
}
