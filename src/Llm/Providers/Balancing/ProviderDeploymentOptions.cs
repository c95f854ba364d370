using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>
/// One deployment of a provider's models (<c>Llm:Providers:&lt;name&gt;:Deployments:&lt;i&gt;</c>): another endpoint
/// and/or key serving the same models. Unset, the endpoint and the key are the provider's own.
/// </summary>
public sealed class ProviderDeploymentOptions
{
    /// <summary>Names the deployment in metrics, logs and the shared cool-down; unique within its provider.</summary>
    public string Name { get; set; } = "";

    public Uri? Endpoint { get; set; }

    /// <summary>Comes from configuration or the environment only; never returned by the API.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>How a provider's generations are spread over its deployments (<c>Llm:Providers:&lt;name&gt;:Balancing</c>).</summary>
public sealed class BalancingOptions
{
    public BalancingStrategy Strategy { get; set; } = BalancingStrategy.RoundRobin;

    /// <summary>How long a deployment that failed before its first token is passed over while another can serve.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromSeconds(30);
}

[System.ComponentModel.TypeConverter(typeof(BalancingStrategyConverter))]
public enum BalancingStrategy
{
    /// <summary>Each generation starts at the next deployment in turn.</summary>
    RoundRobin,

    /// <summary>The deployment with the fewest calls running on this instance first (ties in turn).</summary>
    LeastInFlight,
}
