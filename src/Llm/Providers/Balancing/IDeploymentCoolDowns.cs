namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>Deployments passed over for a while after they failed: this instance's own view, or one shared through Redis.</summary>
public interface IDeploymentCoolDowns
{
    Task CoolDownAsync(string provider, string deployment, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Until when each of <paramref name="deployments"/> cools down (null: usable), in one read.</summary>
    Task<IReadOnlyList<DateTimeOffset?>> ReadAsync(string provider, IReadOnlyList<string> deployments, CancellationToken cancellationToken);
}
