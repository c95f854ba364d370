using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>
/// Orders a provider's deployments for one request — in turn, or fewest calls running on this instance first — with those
/// cooling down after a failure last; counts the calls each deployment has running; and cools down one that failed.
/// </summary>
public sealed partial class DeploymentBalancer(IDeploymentCoolDowns coolDowns, LlmMetrics metrics, TimeProvider clock, ILogger<DeploymentBalancer> logger)
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _turns = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, StrongBox<int>> _running = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The deployments of <paramref name="provider"/> in the order to try them, each with until when it cools down (null: it does not).</summary>
    public async Task<IReadOnlyList<(ProviderDeployment Deployment, DateTimeOffset? CoolingUntil)>> OrderAsync(ChatProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var deployments = provider.Deployments;
        var turn = Interlocked.Increment(ref _turns.GetOrAdd(provider.Name, _ => new()).Value) - 1;
        var start = (int)(turn % deployments.Count);
        IEnumerable<ProviderDeployment> order = [.. deployments.Skip(start), .. deployments.Take(start)];
        // A stable sort: equally busy deployments keep their turn.
        if (provider.Balancing.Strategy == BalancingStrategy.LeastInFlight)
            order = order.OrderBy(d => Volatile.Read(ref Running(provider.Name, d.Name).Value));
        var ordered = order.ToList();
        var cooling = await coolDowns.ReadAsync(provider.Name, [.. ordered.Select(d => d.Name)], cancellationToken);
        return [.. ordered.Select((d, i) => (d, cooling[i])).OrderBy(x => x.Item2 is not null)];
    }

    /// <summary>A call to <paramref name="deployment"/> starts; it counts as running until the result is disposed.</summary>
    public IDisposable Calling(string provider, string deployment)
    {
        metrics.DeploymentPicked(provider, deployment);
        var running = Running(provider, deployment);
        Interlocked.Increment(ref running.Value);
        return new Call(running);
    }

    /// <summary><paramref name="deployment"/> failed before its first token: it is passed over for the provider's cool-down.</summary>
    public async Task FailedAsync(ChatProvider provider, string deployment, string reason)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var coolDown = provider.Balancing.CoolDown;
        if (coolDown <= TimeSpan.Zero)
            return;
        LogCoolingDown(logger, provider.Name, deployment, reason, coolDown);
        // Not the generation's token: its end must not keep the next requests calling a failing deployment.
        await coolDowns.CoolDownAsync(provider.Name, deployment, clock.GetUtcNow() + coolDown, CancellationToken.None);
    }

    private StrongBox<int> Running(string provider, string deployment) => _running.GetOrAdd($"{provider}/{deployment}", _ => new());

    [LoggerMessage(EventId = 3510, Level = LogLevel.Warning, Message = "Deployment {Deployment} of provider {Provider} failed before its first token ({Reason}); passed over for {CoolDown}")]
    private static partial void LogCoolingDown(ILogger logger, string provider, string deployment, string reason, TimeSpan coolDown);

    private sealed class Call(StrongBox<int> running) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
                Interlocked.Decrement(ref running.Value);
        }
    }
}
