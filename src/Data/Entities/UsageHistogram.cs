namespace LlmPlatform.Data.Entities;

/// <summary>
/// The fixed millisecond buckets of the latency and time-to-first-token histograms that <see cref="UsageRollup"/> rows
/// keep, one count column per bucket (<c>Latency00</c>…, <c>Ttft00</c>…): five a decade (the R5 series, each about 1.6
/// times the last) from 1 ms to 1 000 s, then one open bucket. Fixed bounds make a histogram a plain sum of columns, which
/// both databases aggregate alike; a percentile read from them is known to its bucket's width.
/// </summary>
public static class UsageHistogram
{
    /// <summary>Bucket i holds values in [<see cref="Lower"/>(i), <see cref="Upper"/>(i)).</summary>
    private static readonly int[] Edges =
    [
        0, 1, 2, 3, 4, 6, 10, 16, 25, 40, 63, 100, 160, 250, 400, 630, 1_000, 1_600, 2_500, 4_000, 6_300, 10_000, 16_000,
        25_000, 40_000, 63_000, 100_000, 160_000, 250_000, 400_000, 630_000, 1_000_000,
    ];

    public static int BucketCount => Edges.Length;

    public static int Lower(int bucket) => Edges[bucket];

    /// <summary>The bucket's exclusive upper bound; <see cref="int.MaxValue"/> for the last, open one.</summary>
    public static int Upper(int bucket) => bucket + 1 < Edges.Length ? Edges[bucket + 1] : int.MaxValue;

    /// <summary>The bucket a value falls in.</summary>
    public static int BucketOf(double value)
    {
        var bucket = 0;
        while (bucket + 1 < Edges.Length && value >= Edges[bucket + 1])
            bucket++;
        return bucket;
    }

    public static string LatencyColumn(int bucket) => "Latency" + bucket.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    public static string TimeToFirstTokenColumn(int bucket) => "Ttft" + bucket.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
}
