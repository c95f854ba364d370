using System.Net.Http;
using Polly;
using Polly.CircuitBreaker;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// The resilience pipeline of one provider credential (the server's key, or one user's key) and what its circuit
/// breaker has seen. The state is Polly's own (<see cref="CircuitBreakerStateProvider"/>); the failure count, last
/// error and reopening time are written by the breaker's own callbacks, so nothing here guesses.
/// </summary>
public sealed class CredentialBreaker
{
    private readonly CircuitBreakerStateProvider _state;
    private readonly TimeProvider _clock;
    private int _failures;
    private string? _lastError;
    private DateTimeOffset? _openedUntil;

    internal CredentialBreaker(CircuitBreakerStateProvider state, TimeProvider clock)
    {
        _state = state;
        _clock = clock;
    }

    internal ResiliencePipeline<HttpResponseMessage> Pipeline { get; set; } = ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <summary>Closed (calls go through), Open (refused without a call), HalfOpen (one trial call) or Isolated.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>The same state in our own type, for layers that do not reference Polly (the schema).</summary>
    public ProviderCircuitState Circuit => State switch
    {
        CircuitState.Open => ProviderCircuitState.Open,
        CircuitState.HalfOpen => ProviderCircuitState.HalfOpen,
        CircuitState.Isolated => ProviderCircuitState.Isolated,
        _ => ProviderCircuitState.Closed,
    };

    /// <summary>Failed attempts the breaker counted since its circuit last closed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The last failure the breaker counted, in our words (never the provider's text, which can quote a key).</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>When an open circuit lets a trial call through; null unless open and that time is still ahead.</summary>
    /// <remarks>Polly moves an open circuit to half-open only when the next call arrives, so its state alone would
    /// say "open" forever to a caller who waits for it to change before calling.</remarks>
    public DateTimeOffset? OpenedUntil => State == CircuitState.Open && _openedUntil is { } until && until > _clock.GetUtcNow() ? until : null;

    internal void Counted(Outcome<HttpResponseMessage> outcome)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastError, outcome switch
        {
            { Exception: { } e } => ProviderFailure.From(e).Message,
            { Result: { } response } => $"The provider answered {(int)response.StatusCode}.",
            _ => null,
        });
    }

    internal void Opened(DateTimeOffset until) => _openedUntil = until;

    internal void Closed()
    {
        Volatile.Write(ref _failures, 0);
        _openedUntil = null;
    }
}

/// <summary>A circuit breaker's state, as Polly's <see cref="CircuitState"/> names them.</summary>
public enum ProviderCircuitState
{
    Closed,
    Open,
    HalfOpen,
    Isolated,
}
