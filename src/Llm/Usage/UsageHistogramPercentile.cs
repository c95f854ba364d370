using System.Globalization;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Usage;

/// <summary>
/// Percentiles estimated from a summed <see cref="UsageHistogram"/>, interpolated like <c>percentile_cont</c> (position
/// p·(n−1) between its two neighbouring values) with each bucket's values taken as spread evenly over it. The exact value
/// and the estimate both lie between the lower bound of the bucket holding the value below the position and the upper
/// bound of the bucket holding the value above it: usually one bucket, so the error is less than that bucket's width.
/// </summary>
public static class UsageHistogramPercentile
{
    /// <summary>The counts of a histogram as the usage SQL returns it, <c>n0,n1,…</c>; null when there is none.</summary>
    public static long[]? Parse(string? text) =>
        text is null ? null : [.. text.Split(',').Select(n => long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture))];

    /// <summary>The estimated percentile (0 to 1) of the histogram's values; null when it holds none.</summary>
    public static double? Estimate(IReadOnlyList<long>? counts, double fraction)
    {
        if (counts is null)
            return null;
        var total = counts.Sum();
        if (total == 0)
            return null;
        var position = fraction * (total - 1);
        var below = (long)Math.Floor(position);
        var lower = ValueAt(counts, below);
        var upper = ValueAt(counts, Math.Min(below + 1, total - 1));
        return lower + (position - below) * (upper - lower);
    }

    /// <summary>The bucket holding the <paramref name="index"/>-th smallest value (from 0).</summary>
    public static int BucketOfRank(IReadOnlyList<long> counts, long index)
    {
        ArgumentNullException.ThrowIfNull(counts);
        long before = 0;
        for (var bucket = 0; bucket < counts.Count; bucket++)
        {
            if (index < before + counts[bucket])
                return bucket;
            before += counts[bucket];
        }
        throw new ArgumentOutOfRangeException(nameof(index), index, "The histogram holds fewer values.");
    }

    private static double ValueAt(IReadOnlyList<long> counts, long index)
    {
        var bucket = BucketOfRank(counts, index);
        var before = counts.Take(bucket).Sum();
        // The open last bucket has no width to spread over: its lower bound is all that is known.
        if (bucket == UsageHistogram.BucketCount - 1)
            return UsageHistogram.Lower(bucket);
        var width = UsageHistogram.Upper(bucket) - UsageHistogram.Lower(bucket);
        return UsageHistogram.Lower(bucket) + (index - before + 0.5) / counts[bucket] * width;
    }
}
