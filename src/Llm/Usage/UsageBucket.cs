namespace LlmPlatform.Llm.Usage;

/// <summary>
/// The usage of one group: its keys (null for a dimension not grouped by) and its sums and percentiles. Percentiles
/// interpolate between neighbouring rows like PostgreSQL's <c>percentile_cont</c>; null when no row had a value. When
/// <see cref="PercentilesEstimated"/>, some hours came from rollups and the percentiles are estimates from histograms
/// (<see cref="UsageHistogramPercentile"/>); the counts and sums are exact either way.
/// </summary>
public sealed record UsageBucket(
    UsageBucketKey Key,
    long Requests,
    long Succeeded,
    long Failed,
    long Cancelled,
    long Cached,
    long PromptTokens,
    long CompletionTokens,
    decimal Cost,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    double? TimeToFirstTokenP50Ms,
    double? TimeToFirstTokenP95Ms,
    bool PercentilesEstimated = false)
{
    /// <summary>Failed requests over all requests; cancelled ones are the caller's choice, not errors.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Failed / Requests;

    /// <summary>Requests answered from the response cache over all requests.</summary>
    public double CachedShare => Requests == 0 ? 0 : (double)Cached / Requests;
}

/// <summary>A bucket's keys: the starts of its time buckets (with the zone's offset at that instant), and the rest.</summary>
public sealed record UsageBucketKey(
    DateTimeOffset? Hour,
    DateTimeOffset? Day,
    DateTimeOffset? Week,
    string? Provider,
    string? Model,
    Guid? PersonaId,
    Guid? UserId,
    Guid? ConversationId);
