using GraphQL.Types;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Graph.Providers;

/// <summary>
/// A circuit breaker as Polly holds it: a provider's server key's, or the caller's own key's. Everyone sees the state;
/// the details (how many failures, the last one, when a trial call goes through) only when <see cref="ProviderHealth.ShowsDetails"/>
/// (an admin, or the owner of the key), and null for everyone else.
/// </summary>
public sealed class ProviderHealthGraphType : ObjectGraphType<ProviderHealth>
{
    public ProviderHealthGraphType()
    {
        Name = "ProviderHealth";
        Description = "A circuit breaker of the provider: its server key's (`health`), or your own key's (`myKeyHealth`). Everyone sees `state`; the other fields are for admins (and for you, of your own key) and null for everyone else.";
        Field<NonNullGraphType<CircuitStateGraphType>>("state")
            .Description("CLOSED: calls go through. OPEN: generations on this key skip the provider (a route tries its next target) or are refused at once (PROVIDER_UNAVAILABLE) until `openedUntil`. HALF_OPEN: a trial call decides.")
            .Resolve(ctx => ctx.Source.Breaker.Circuit);
        Field<IntGraphType>("failures").Description("Admins (or the key's owner) only: failed attempts the breaker counted since its circuit last closed.")
            .Resolve(ctx => ctx.Source.ShowsDetails ? ctx.Source.Breaker.Failures : null);
        Field<StringGraphType>("lastError").Description("Admins (or the key's owner) only: the last failure the breaker counted, in the server's words (never the provider's text).")
            .Resolve(ctx => ctx.Source.ShowsDetails ? ctx.Source.Breaker.LastError : null);
        Field<DateTimeGraphType>("openedUntil").Description("Admins (or the key's owner) only: when an open circuit lets a trial call through; null unless open.")
            .Resolve(ctx => ctx.Source.ShowsDetails ? ctx.Source.Breaker.OpenedUntil?.UtcDateTime : null);
    }
}

/// <summary>A breaker, and whether the caller may see more than its state.</summary>
public sealed record ProviderHealth(CredentialBreaker Breaker, bool ShowsDetails);

public sealed class CircuitStateGraphType : EnumerationGraphType<ProviderCircuitState>
{
    public CircuitStateGraphType()
    {
        Name = "CircuitState";
        Description = "The state of a circuit breaker.";
        Values.FindByName("CLOSED")!.Description = "Calls go through.";
        Values.FindByName("OPEN")!.Description = "Calls are refused without being sent, for the break duration.";
        Values.FindByName("HALF_OPEN")!.Description = "The break is over; a trial call decides whether it closes or opens again.";
        Values.FindByName("ISOLATED")!.Description = "Held open by hand.";
    }
}
