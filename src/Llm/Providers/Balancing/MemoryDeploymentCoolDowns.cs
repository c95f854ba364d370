using System.Collections.Concurrent;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>Cool-downs in this instance's memory: one entry per deployment that ever failed, so bounded by the configuration.</summary>
public sealed class MemoryDeploymentCoolDowns(TimeProvider clock) : IDeploymentCoolDowns
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);

    public Task CoolDownAsync(string provider, string deployment, DateTimeOffset until, CancellationToken cancellationToken)
    {
        _until.AddOrUpdate(Key(provider, deployment), until, (_, current) => current > until ? current : until);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DateTimeOffset?>> ReadAsync(string provider, IReadOnlyList<string> deployments, CancellationToken cancellationToken) =>
        Task.FromResult(Read(provider, deployments));

    /// <summary>The same answer, without a task: for the Redis view's fallback.</summary>
    public IReadOnlyList<DateTimeOffset?> Read(string provider, IReadOnlyList<string> deployments)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        var now = clock.GetUtcNow();
        return [.. deployments.Select(d => _until.TryGetValue(Key(provider, d), out var until) && until > now ? until : (DateTimeOffset?)null)];
    }

    private static string Key(string provider, string deployment) => $"{provider}/{deployment}";
}
