using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The usage of one persona over a range, as the caller may see it: one statement per distinct range in a batch.</summary>
public sealed class UsageByPersonaIdDataLoader(UsageReader usage) : BatchLoader<(Guid PersonaId, UsageRangeInput Range), UsageBucket>
{
    protected override Task<IReadOnlyDictionary<(Guid PersonaId, UsageRangeInput Range), UsageBucket>> FetchAsync(
        IReadOnlyList<(Guid PersonaId, UsageRangeInput Range)> keys, CancellationToken cancellationToken) =>
        UsageBatches.FetchAsync(keys, k => k.Range, usage, UsageDimension.Persona,
            (query, ids) => query with { PersonaIds = ids }, k => k.PersonaId, b => b.Key.PersonaId, cancellationToken);
}

/// <summary>The usage of one user over a range: theirs for themselves, anyone's for an admin.</summary>
public sealed class UsageByUserIdDataLoader(UsageReader usage) : BatchLoader<(Guid UserId, UsageRangeInput Range), UsageBucket>
{
    protected override async Task<IReadOnlyDictionary<(Guid UserId, UsageRangeInput Range), UsageBucket>> FetchAsync(
        IReadOnlyList<(Guid UserId, UsageRangeInput Range)> keys, CancellationToken cancellationToken)
    {
        // Grouping by user is for admins; anyone else may only ever see their own, so they get it ungrouped.
        var visible = usage.IsAdmin ? keys : [.. keys.Where(k => k.UserId == usage.UserId)];
        return await UsageBatches.FetchAsync(visible, k => k.Range, usage, usage.IsAdmin ? UsageDimension.User : null,
            (query, ids) => query with { UserIds = ids }, k => k.UserId, b => b.Key.UserId ?? usage.UserId, cancellationToken);
    }
}

/// <summary>The whole usage of one conversation, as the caller may see it: one statement per batch.</summary>
public sealed class UsageByConversationIdDataLoader(UsageReader usage) : BatchLoader<Guid, UsageBucket>
{
    private static readonly UsageRangeInput AllTime = new(DateTime.MinValue, DateTime.MinValue);

    protected override Task<IReadOnlyDictionary<Guid, UsageBucket>> FetchAsync(IReadOnlyList<Guid> keys, CancellationToken cancellationToken) =>
        UsageBatches.FetchAsync(keys, _ => AllTime, usage, UsageDimension.Conversation,
            (query, ids) => query with { From = null, To = null, ConversationIds = ids }, k => k, b => b.Key.ConversationId, cancellationToken);
}

/// <summary>What the usage loaders share: one query per distinct range, grouped by the loader's dimension.</summary>
internal static class UsageBatches
{
    public static async Task<IReadOnlyDictionary<TKey, UsageBucket>> FetchAsync<TKey>(
        IReadOnlyList<TKey> keys,
        Func<TKey, UsageRangeInput> rangeOf,
        UsageReader usage,
        UsageDimension? groupBy,
        Func<UsageQuery, List<Guid>, UsageQuery> narrow,
        Func<TKey, Guid> idOf,
        Func<UsageBucket, Guid?> idOfBucket,
        CancellationToken cancellationToken)
        where TKey : notnull
    {
        var found = new Dictionary<TKey, UsageBucket>();
        foreach (var batch in keys.GroupBy(rangeOf))
        {
            var range = batch.Key;
            var query = narrow(
                new UsageQuery(UsageReader.Utc(range.From), UsageReader.Utc(range.To), TimeZoneInfo.Utc, groupBy is { } d ? [d] : []),
                [.. batch.Select(idOf).Distinct()]);
            var buckets = (await usage.AggregateAsync(query, cancellationToken)).ToDictionary(b => idOfBucket(b) ?? Guid.Empty);
            foreach (var key in batch)
                found[key] = buckets.GetValueOrDefault(idOf(key)) ?? Empty;
        }
        return found;
    }

    /// <summary>No usage at all: zeros, and no percentiles.</summary>
    public static readonly UsageBucket Empty = new(new UsageBucketKey(null, null, null, null, null, null, null, null), 0, 0, 0, 0, 0, 0, 0, 0m, null, null, null, null, null);
}
