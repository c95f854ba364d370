using System.ComponentModel.DataAnnotations;
using LlmPlatform.Llm.Redis;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmPlatform.Graph.Telemetry;

public static partial class TelemetryExtensions
{
    private const string ServiceName = "llmplatform";
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry metrics and traces: the generation pipeline's and the host's own instruments, ASP.NET Core,
    /// HttpClient, runtime, EF Core and Redis; the Prometheus exporter when <c>/metrics</c> is served, OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Nothing at all with <c>Telemetry:Enabled=false</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations()
            .Validate(o => IsValid(o.Metrics) && IsValid(o.Traces), "Telemetry:Metrics or Telemetry:Traces holds a value out of its range.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GraphMetrics>();
        builder.Services.AddSingleton<OperationNameLabels>();
        builder.Services.AddSingleton<OperationTelemetry>();
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Enabled)
            return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LlmMetrics.MeterName, GraphMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (ServesMetrics(options, builder.Environment))
                    metrics.AddPrometheusExporter();
            })
            .WithTracing(traces => traces
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.Traces.SampleRatio)))
                .AddSource(GraphActivitySource.Name, LlmActivitySource.Name)
                // Scrapes and probes come every few seconds and say nothing about the API's work.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsScrapeOrProbe(context.Request.Path, options))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                // Commands are profiled, then turned into spans by a poll: every second at most, so a trace is whole soon.
                .AddRedisInstrumentation(redis => redis.FlushInterval = TimeSpan.FromSeconds(1))
                // The connection opens on first use, outside DI: the instrumentation learns of it once it exists.
                .ConfigureRedisInstrumentation((services, redis) =>
                    services.GetService<RedisConnection>()?.WhenConnected(multiplexer => redis.AddConnection(multiplexer))));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
            telemetry.UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// Prometheus text at <c>Telemetry:Metrics:Path</c>, answering only on the local port <c>Telemetry:Metrics:Port</c>
    /// when set. In Production it is served only on such a port: metrics name providers, models, operations and costs,
    /// which the public need not see.
    /// </summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Enabled || !options.Metrics.Enabled)
            return app;
        if (!ServesMetrics(options, app.Environment))
        {
            Log.MetricsNotServed(app.Logger, options.Metrics.Path);
            return app;
        }
        var metrics = options.Metrics;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path.Equals(metrics.Path, StringComparison.OrdinalIgnoreCase)
            && (metrics.Port is not { } port || context.Connection.LocalPort == port));
        return app;
    }

    // Data annotations do not reach nested sections by themselves.
    private static bool IsValid(object section) =>
        Validator.TryValidateObject(section, new ValidationContext(section), validationResults: null, validateAllProperties: true);

    private static bool ServesMetrics(TelemetryOptions options, IHostEnvironment environment) =>
        options.Metrics.Enabled && (options.Metrics.Port is not null || !environment.IsProduction());

    private static bool IsScrapeOrProbe(PathString path, TelemetryOptions options) =>
        path.StartsWithSegments(options.Metrics.Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2620, Level = LogLevel.Warning,
            Message = "Metrics are not served at {Path}: in Production set Telemetry:Metrics:Port (e.g. 9464, a port the public cannot reach)")]
        public static partial void MetricsNotServed(ILogger logger, string path);
    }
}
