using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>Metrics and traces, and where they are served. Section <c>Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Off: no OpenTelemetry at all (no listener, so recording costs nothing), no <c>/metrics</c>.</summary>
    public bool Enabled { get; set; } = true;

    public MetricsEndpointOptions Metrics { get; set; } = new();

    public TracesOptions Traces { get; set; } = new();

    /// <summary>
    /// How many distinct operation names (besides trusted documents') label metrics; later ones are <c>other</c>.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxOperationNames { get; set; } = 200;
}

/// <summary>The Prometheus scraping endpoint. Section <c>Telemetry:Metrics</c>.</summary>
public sealed class MetricsEndpointOptions
{
    /// <summary>Serve Prometheus text at <see cref="Path"/>.</summary>
    public bool Enabled { get; set; } = true;

    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "Telemetry:Metrics:Path must be an absolute path such as /metrics.")]
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// The local port the endpoint answers on (the server must also listen there, e.g. <c>ASPNETCORE_URLS</c>), one the
    /// public load balancer does not reach; null answers on every port. In Production null leaves the endpoint off.
    /// </summary>
    // The socket's own port, not the Host header (ASP.NET Core's RequireHost): a client chooses its Host header.
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>Which traces are kept. Section <c>Telemetry:Traces</c>.</summary>
public sealed class TracesOptions
{
    /// <summary>The share of new traces sampled (a parent's decision is followed): 1 keeps all, 0 none.</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;
}
