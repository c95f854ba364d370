using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// Refuses, at start-up, resilience settings that cannot work together: a retry after an attempt timeout must fit
/// inside the generation's idle timeout (which also watches the wait for the first chunk), and every attempt with the
/// pauses between them inside the provider's HTTP client timeout; otherwise the retries configured never run.
/// </summary>
internal sealed class ResilienceBudgetValidation(IOptions<GenerationOptions> generation) : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var idle = generation.Value.ProviderIdleTimeout;
        var failures = new List<string>();
        // Only a route has a next target to leave a silent one for.
        if (options.Routes.Count > 0 && options.Routing.FirstTokenTimeout >= idle)
            failures.Add($"Llm:Routing:FirstTokenTimeout ({options.Routing.FirstTokenTimeout}) must be less than Llm:Generation:ProviderIdleTimeout ({idle}), or a silent target is never left for the next one.");
        foreach (var (provider, settings) in options.Providers)
        {
            var resilience = settings.Resilience;
            if (settings.Kind == ProviderKind.Echo || resilience.MaxRetries == 0)
                continue;
            var path = $"Llm:Providers:{provider}";
            if (resilience.AttemptTimeout + resilience.RetryDelay >= idle)
                failures.Add($"{path}:Resilience:AttemptTimeout ({resilience.AttemptTimeout}) plus its RetryDelay must be less than Llm:Generation:ProviderIdleTimeout ({idle}), or no retry after a timed-out attempt can run.");
            var worst = WorstCase(resilience);
            if (worst > settings.Timeout)
                failures.Add($"{path}:Timeout ({settings.Timeout}) must hold every attempt and the pauses between them ({worst}: {resilience.MaxRetries + 1} × AttemptTimeout plus the doubling RetryDelay), or the last retries never run.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every attempt timing out, with the exponential pauses between them (jitter aside).</summary>
    public static TimeSpan WorstCase(ProviderResilienceOptions resilience)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        var pauses = TimeSpan.Zero;
        for (var retry = 0; retry < resilience.MaxRetries; retry++)
            pauses += resilience.RetryDelay * Math.Pow(2, retry);
        return resilience.AttemptTimeout * (resilience.MaxRetries + 1) + pauses;
    }
}
