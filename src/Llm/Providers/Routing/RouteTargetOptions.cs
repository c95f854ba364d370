namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>One target of a route (<c>Llm:Routes:&lt;name&gt;:&lt;index&gt;</c>): a configured provider and one of its models.</summary>
public sealed class RouteTargetOptions
{
    public string Provider { get; set; } = "";

    /// <summary>One of the provider's models; its default model when unset.</summary>
    public string? Model { get; set; }
}

/// <summary>How a route moves from one target to the next (<c>Llm:Routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>
    /// Longest wait for a target's first token while another target remains to try; past it, the next target is tried.
    /// The last target waits up to <c>Llm:Generation:ProviderIdleTimeout</c>, as a generation without a route does.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
