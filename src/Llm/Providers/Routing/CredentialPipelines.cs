using System.Collections.Concurrent;
using System.Net.Http;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// One resilience pipeline (retries honouring Retry-After, circuit breaker, attempt timeout) per provider and
/// credential: the server's key has its own, and each user's key its own, so a user whose key the provider refuses or
/// rate-limits opens only their own circuit, never the one every other user's generations go through.
/// </summary>
/// <remarks>
/// The credential is read from the request the connector built (its <c>Authorization</c> bearer or Azure's
/// <c>api-key</c> header) and kept only as a per-process fingerprint. The server keys' pipelines live as long as the
/// process (one per provider); users' pipelines sit in a cache bounded by <see cref="LlmOptions.MaxUserCredentialBreakers"/>
/// and dropped once idle for longer than the breaker remembers anything (sampling plus break duration): dropping
/// one loses nothing a new one would not know.
/// </remarks>
public sealed class CredentialPipelines : IDisposable
{
    private const string ApiKeyHeader = "api-key";

    private readonly ConcurrentDictionary<string, CredentialBreaker> _servers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Provider, string Deployment, CredentialBreaker Breaker)> _deployments = new(StringComparer.OrdinalIgnoreCase);
    private readonly MemoryCache _users;
    private readonly Lock _creating = new();
    private readonly IOptions<LlmOptions> _options;
    private readonly LlmMetrics _metrics;
    private readonly TimeProvider _clock;

    public CredentialPipelines(IOptions<LlmOptions> options, LlmMetrics metrics, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options;
        _metrics = metrics;
        _clock = clock;
        _users = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.MaxUserCredentialBreakers });
        // Beside the state it observes: read from the breakers at each collection, never a copy that could drift.
        metrics.Meter.CreateObservableGauge("llmplatform.provider.circuit.state", ObserveServerCircuits, "{state}",
            "Circuit state of each provider's server-key breaker (of each deployment, for a provider with several): 0 closed, 1 open, 2 half-open, 3 isolated (Polly's CircuitState).");
    }

    /// <summary>The key a provider's calls carry when the user brings none (what <see cref="ProviderRegistry"/> sends).</summary>
    public static string ServerCredential(ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        // Local servers (vLLM, llama.cpp, LM Studio) often need no key, but the OpenAI client insists on one.
        return provider.Kind == ProviderKind.OpenAICompatible && string.IsNullOrEmpty(provider.ApiKey) ? UnusedKey : provider.ApiKey ?? "";
    }

    /// <summary>What an openai-compatible provider without a key sends as its key.</summary>
    public const string UnusedKey = "unused";

    /// <summary>The pipeline a request to <paramref name="provider"/> goes through, chosen by the credential it carries.</summary>
    public ResiliencePipeline<HttpResponseMessage> For(string provider, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credential = request.Headers.Authorization?.Parameter
            ?? (request.Headers.TryGetValues(ApiKeyHeader, out var values) ? values.FirstOrDefault() : null)
            ?? "";
        return For(provider, credential).Pipeline;
    }

    /// <summary>The breaker of the server's key of <paramref name="provider"/>: the one every user without a key of their own shares.</summary>
    public CredentialBreaker ServerBreaker(string provider) => _servers.GetOrAdd(provider, name => Create(name));

    /// <summary>The breaker of one deployment of <paramref name="provider"/> (its server credential: users' keys never go through a deployment).</summary>
    public CredentialBreaker DeploymentBreaker(string provider, string deployment) =>
        _deployments.GetOrAdd($"{provider}/{deployment}", _ => (provider, deployment, Create(provider))).Breaker;

    /// <summary>
    /// The breakers the server's own calls to <paramref name="provider"/> go through: one per deployment (named), or the
    /// server key's (no name); none for echo.
    /// </summary>
    public IEnumerable<(string? Deployment, CredentialBreaker Breaker)> ServerBreakers(ChatProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Deployments.Count > 0)
            return provider.Deployments.Select(d => ((string?)d.Name, DeploymentBreaker(provider.Name, d.Name)));
        return BreakerFor(provider, null) is { } breaker ? [(null, breaker)] : [];
    }

    /// <summary>The breaker a call with <paramref name="userKey"/> (null: the server's key) goes through; null for echo, which makes no HTTP call.</summary>
    public CredentialBreaker? BreakerFor(ChatProvider provider, string? userKey)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Kind == ProviderKind.Echo)
            return null;
        return userKey is null ? ServerBreaker(provider.Name) : For(provider.Name, userKey);
    }

    public void Dispose() => _users.Dispose();

    private CredentialBreaker For(string provider, string credential)
    {
        var options = ProviderOptions(provider);
        if (credential == ServerCredential(options))
            return ServerBreaker(provider);

        var key = (provider.ToUpperInvariant(), ProviderApiKey.FingerprintOf(credential));
        if (_users.TryGetValue(key, out CredentialBreaker? breaker))
            return breaker!;
        // Parallel first calls with one key must share one breaker, or none of them ever sees enough failures to open.
        lock (_creating)
        {
            if (_users.TryGetValue(key, out breaker))
                return breaker!;
            breaker = Create(provider);
            using var entry = _users.CreateEntry(key);
            entry.Value = breaker;
            entry.Size = 1;
            entry.SlidingExpiration = options.Resilience.SamplingDuration + options.Resilience.BreakDuration;
            return breaker;
        }
    }

    private ProviderOptions ProviderOptions(string provider) =>
        _options.Value.Providers.GetValueOrDefault(provider) ?? new ProviderOptions();

    private CredentialBreaker Create(string provider)
    {
        var options = ProviderOptions(provider).Resilience;
        var state = new CircuitBreakerStateProvider();
        var breaker = new CredentialBreaker(state, _clock);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(RetryAfter(args.Outcome.Result) > options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    _metrics.ProviderRetried(provider, args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name ?? "unknown");
                    return ValueTask.CompletedTask;
                },
            });
        }
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            StateProvider = state,
            ShouldHandle = args =>
            {
                var failed = HttpClientResiliencePredicates.IsTransient(args.Outcome);
                if (failed)
                    breaker.Counted(args.Outcome);
                return ValueTask.FromResult(failed);
            },
            OnOpened = args =>
            {
                breaker.Opened(_clock.GetUtcNow() + args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                breaker.Closed();
                return ValueTask.CompletedTask;
            },
        });
        pipeline.AddTimeout(options.AttemptTimeout);
        breaker.Pipeline = pipeline.Build();
        return breaker;
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> ObserveServerCircuits() =>
        _servers.Select(s => new System.Diagnostics.Metrics.Measurement<int>((int)s.Value.State, new KeyValuePair<string, object?>(LlmMetrics.TagNames.Provider, s.Key)))
            .Concat(_deployments.Values.Select(d => new System.Diagnostics.Metrics.Measurement<int>((int)d.Breaker.State,
                new KeyValuePair<string, object?>(LlmMetrics.TagNames.Provider, d.Provider), new KeyValuePair<string, object?>(LlmMetrics.TagNames.Deployment, d.Deployment))));

    /// <summary>The pause a response asks for in its Retry-After header (seconds or a date), if any.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _clock.GetUtcNow(),
        _ => null,
    };
}
