using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// The columns a <see cref="UsageRollup"/> sums, and how one <see cref="UsageEvent"/> row counts in each: the one place
/// that says so, for the job that writes rollups and for the usage query that adds recent raw rows to them.
/// </summary>
internal static class UsageRollupColumns
{
    /// <summary>The counts, the sums and every histogram bucket, all summable.</summary>
    public static readonly string[] Summed =
    [
        "Requests", "Succeeded", "Failed", "Cancelled", "Cached", "PromptTokens", "CompletionTokens", "Cost",
        .. Enumerable.Range(0, UsageHistogram.BucketCount).Select(UsageHistogram.LatencyColumn),
        .. Enumerable.Range(0, UsageHistogram.BucketCount).Select(UsageHistogram.TimeToFirstTokenColumn),
    ];

    /// <summary>One usage event as a rollup of itself: an expression for each of <see cref="Summed"/>, named after it.</summary>
    public static string OfOneEvent() => string.Join(", ",
    [
        "1 AS \"Requests\"",
        "CASE WHEN \"Status\" = 'Completed' THEN 1 ELSE 0 END AS \"Succeeded\"",
        "CASE WHEN \"Status\" = 'Failed' THEN 1 ELSE 0 END AS \"Failed\"",
        "CASE WHEN \"Status\" = 'Cancelled' THEN 1 ELSE 0 END AS \"Cancelled\"",
        "CASE WHEN \"Cached\" THEN 1 ELSE 0 END AS \"Cached\"",
        "\"PromptTokens\"", "\"CompletionTokens\"", "\"Cost\"",
        .. Enumerable.Range(0, UsageHistogram.BucketCount).Select(b => InBucket("\"LatencyMs\"", b) + " AS \"" + UsageHistogram.LatencyColumn(b) + "\""),
        .. Enumerable.Range(0, UsageHistogram.BucketCount).Select(b => InBucket("\"TimeToFirstTokenMs\"", b) + " AS \"" + UsageHistogram.TimeToFirstTokenColumn(b) + "\""),
    ]);

    // A null time to first token (none came) falls in no bucket, as percentile_cont skips nulls.
    private static string InBucket(string value, int bucket) => bucket + 1 < UsageHistogram.BucketCount
        ? $"CASE WHEN {value} >= {UsageHistogram.Lower(bucket)} AND {value} < {UsageHistogram.Upper(bucket)} THEN 1 ELSE 0 END"
        : $"CASE WHEN {value} >= {UsageHistogram.Lower(bucket)} THEN 1 ELSE 0 END";
}
