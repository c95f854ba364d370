using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;

namespace LlmPlatform.Graph.Analytics;

/// <summary>Records the current user's product events. Bad input, or a caller over their limit, stores nothing.</summary>
public sealed class AnalyticsEventCommands(
    AnalyticsEventWriter writer,
    CurrentUser user,
    AnalyticsEventRules rules,
    IEventRateLimiter limiter,
    TimeProvider clock)
{
    public async Task<TrackEventPayload> TrackAsync(TrackEventInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = Now();
        var errors = new List<UserError>();
        rules.CheckName(input.Name, errors);
        var properties = rules.CheckProperties(input.Properties, errors);
        var occurredAt = rules.CheckOccurredAt(input.OccurredAt, now, errors);
        if (errors.Count > 0)
            return new TrackEventPayload(null, errors);
        // Counted only once the input is good, so that a client's mistakes cost it no quota.
        if (await limiter.TryAcquireAsync(user.RateLimitKey, cancellationToken) is { } wait)
            return new TrackEventPayload(null, [new UserError("Too many events this minute; try again later.", UserErrorCodes.RateLimited, null, wait)]);

        var stored = new AnalyticsEvent
        {
            Id = Guid.CreateVersion7(),
            Name = input.Name,
            Properties = properties!,
            UserId = user.Id,
            CreatedAt = Microseconds(occurredAt!.Value),
        };
        await writer.WriteAsync(stored, cancellationToken);
        return new TrackEventPayload(stored, []);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    // PostgreSQL keeps microseconds: the payload must show what a later read returns.
    private static DateTime Microseconds(DateTime utc) => utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
}
