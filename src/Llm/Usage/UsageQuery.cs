namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Which usage to sum and how to group it: rows created in [<see cref="From"/>, <see cref="To"/>) (either end open
/// when null), bucketed in <see cref="TimeZone"/>, narrowed by the optional lists (null: no narrowing).
/// </summary>
public sealed record UsageQuery(DateTime? From, DateTime? To, TimeZoneInfo TimeZone, IReadOnlyList<UsageDimension> GroupBy)
{
    public IReadOnlyList<string>? Providers { get; init; }
    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyList<Guid>? PersonaIds { get; init; }
    public IReadOnlyList<Guid>? UserIds { get; init; }
    public IReadOnlyList<Guid>? ConversationIds { get; init; }
    public UsageSource Source { get; init; }

    public bool Groups(UsageDimension dimension) => GroupBy.Contains(dimension);
}
