using GraphQL.Types;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Graph.Providers;

/// <summary>
/// The circuit breaker of a provider's server key, as Polly holds it. Everyone sees the state; the details (how many
/// failures, the last one, when a trial call goes through) are for admins, and null for everyone else.
/// </summary>
public sealed class ProviderHealthGraphType : ObjectGraphType<CredentialBreaker>
{
    public ProviderHealthGraphType()
    {
        Name = "ProviderHealth";
        Description = "The circuit breaker of the provider's server key (a user's own key has a breaker of its own, not shown here). Everyone sees `state`; the other fields are for admins and null for everyone else.";
        Field<NonNullGraphType<CircuitStateGraphType>>("state")
            .Description("CLOSED: calls go through. OPEN: generations on the server key are refused at once (PROVIDER_UNAVAILABLE) until `openedUntil`. HALF_OPEN: a trial call decides.")
            .Resolve(ctx => ctx.Source.Circuit);
        Field<IntGraphType>("failures").Description("Admins only: failed attempts the breaker counted since its circuit last closed.")
            .Resolve(ctx => IsAdmin(ctx) ? ctx.Source.Failures : null);
        Field<StringGraphType>("lastError").Description("Admins only: the last failure the breaker counted, in the server's words (never the provider's text).")
            .Resolve(ctx => IsAdmin(ctx) ? ctx.Source.LastError : null);
        Field<DateTimeGraphType>("openedUntil").Description("Admins only: when an open circuit lets a trial call through; null unless open.")
            .Resolve(ctx => IsAdmin(ctx) ? ctx.Source.OpenedUntil?.UtcDateTime : null);
    }

    private static bool IsAdmin(GraphQL.IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<CurrentUser>().IsAdmin;
}

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
