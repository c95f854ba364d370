using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>
/// The instruments of the generation pipeline, on one <see cref="Meter"/> (<see cref="MeterName"/>). Names and tags
/// follow the OpenTelemetry GenAI semantic conventions where one exists (<c>gen_ai.*</c>); the rest are ours
/// (<c>llmplatform.*</c>). Recording costs nothing while no listener (OpenTelemetry, dotnet-counters) is attached.
/// </summary>
public sealed class LlmMetrics
{
    public const string MeterName = "LlmPlatform.Llm";

    private readonly Counter<long> _retries;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _deploymentRequests;
    private readonly GenAiInstruments _genAi;

    public LlmMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _retries = Meter.CreateCounter<long>("llmplatform.provider.retries", "{retry}",
            "Provider calls retried by the resilience pipeline before the reply started.");
        _failovers = Meter.CreateCounter<long>("llmplatform.provider.failovers", "{failover}",
            "Generations that moved on to their next target because one failed before its first token.");
        _cacheLookups = Meter.CreateCounter<long>("llmplatform.cache.lookups", "{lookup}",
            "Response cache lookups, by result (hit or miss).");
        _deploymentRequests = Meter.CreateCounter<long>("llmplatform.provider.deployment.requests", "{request}",
            "Calls sent to each deployment of a provider with several (load balancing).");
        _genAi = new GenAiInstruments(Meter);
    }

    /// <summary>The meter itself, for instruments that live beside the state they observe (observable gauges).</summary>
    public Meter Meter { get; }

    public void ProviderRetried(string provider, string reason)
    {
        _retries.Add(1, new(TagNames.Provider, provider), new(TagNames.Reason, reason));
        // On the generation's provider span, when one is recorded: a trace shows each retry where it happened.
        Activity.Current?.AddEvent(new ActivityEvent("llmplatform.provider.retry",
            tags: new() { [TagNames.Provider] = provider, [TagNames.Reason] = reason }));
    }

    public void FailedOver(string fromProvider, string fromModel, string reason)
    {
        _failovers.Add(1, new(TagNames.Provider, fromProvider), new(TagNames.Model, fromModel), new(TagNames.Reason, reason));
        Activity.Current?.AddEvent(new ActivityEvent("llmplatform.provider.failover",
            tags: new() { [TagNames.Provider] = fromProvider, [TagNames.Model] = fromModel, [TagNames.Reason] = reason }));
    }

    public void CacheLookedUp(string provider, string model, bool hit) =>
        _cacheLookups.Add(1, new(TagNames.Provider, provider), new(TagNames.Model, model), new(TagNames.Result, hit ? "hit" : "miss"));

    /// <summary>A call went to <paramref name="deployment"/> of <paramref name="provider"/>.</summary>
    public void DeploymentPicked(string provider, string deployment) =>
        _deploymentRequests.Add(1, new(TagNames.Provider, provider), new(TagNames.Deployment, deployment));

    /// <summary>A generation started running on this instance (it counts as active until <see cref="GenerationEnded"/>).</summary>
    public void GenerationBegan() => _genAi.Active.Add(1);

    /// <summary>
    /// A generation ended: its tokens, cost, duration, time to first chunk and the server's own overhead, by provider and
    /// model, with its error code as <c>error.type</c> when it failed.
    /// </summary>
    public void GenerationEnded(GenerationMeasurement measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        _genAi.Record(measured);
    }

    /// <summary>A viewer started (+1) or stopped (-1) watching a generation on this instance.</summary>
    public void ViewersChanged(int delta) => _genAi.Viewers.Add(delta);

    /// <summary>Tag names, the GenAI conventions' where they have one.</summary>
    public static class TagNames
    {
        public const string Provider = "gen_ai.provider.name";
        public const string Model = "gen_ai.request.model";
        public const string Reason = "llmplatform.reason";
        public const string Result = "llmplatform.result";
        public const string Operation = "gen_ai.operation.name";
        public const string TokenType = "gen_ai.token.type";
        public const string ErrorType = "error.type";
        public const string Deployment = "llmplatform.deployment";
    }
}
