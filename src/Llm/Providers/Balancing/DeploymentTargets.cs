using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>
/// Turns a prepared target whose provider has several deployments into one target per deployment, in the balancer's
/// order, so that a deployment failing before its first token hands over to the next as any route target does. One
/// cooling down is skipped while another can be called; when none can, every one is tried again.
/// </summary>
public sealed class DeploymentTargets(DeploymentBalancer balancer, CredentialPipelines pipelines, TimeProvider clock)
{
    public DeploymentBalancer Balancer => balancer;

    public async Task<IReadOnlyList<PreparedTarget>> ExpandAsync(
        PreparedTarget target, Func<ChatProvider, ChatServiceChoice, (GenerationError? Unavailable, string? SkipReason)> availability,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(availability);
        var provider = target.Target.Provider;
        var ordered = await balancer.OrderAsync(provider, cancellationToken);
        var expanded = ordered.Select(o =>
        {
            var chat = o.Deployment.Calls.IsUsable
                ? new ChatServiceChoice(o.Deployment.Calls.GetService(target.Model), ChatServiceProblem.None, pipelines.DeploymentBreaker(provider.Name, o.Deployment.Name))
                : new ChatServiceChoice(null, ChatServiceProblem.NotConfigured, null);
            var (unavailable, skip) = availability(provider, chat);
            return target with { Chat = chat, SkipReason = skip, Unavailable = unavailable, Deployment = o.Deployment.Name };
        }).ToList();
        if (!expanded.Where((t, i) => t.Callable && ordered[i].CoolingUntil is null).Any())
            return expanded;
        var now = clock.GetUtcNow();
        return [.. expanded.Select((t, i) => t.Callable && ordered[i].CoolingUntil is { } until
            ? t with
            {
                SkipReason = "cooling_down",
                Unavailable = new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has been failing; calls to it are paused for a moment.", "provider", until - now),
            }
            : t)];
    }
}
