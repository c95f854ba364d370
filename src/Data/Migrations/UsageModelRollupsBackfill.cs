using System.Globalization;

namespace LlmPlatform.Data.Migrations;

/// <summary>
/// The statement both databases' <c>UsageModelRollups</c> migrations run once: the hours already rolled up per user get
/// their per-model rows, so that the new level holds every hour the old one does from the start. Its columns are written
/// out here, as they were when the table was added, so that the migration does not change when the model does.
/// </summary>
internal static class UsageModelRollupsBackfill
{
    private const int HistogramBuckets = 32;

    public static string Sql()
    {
        string[] summed =
        [
            "Requests", "Succeeded", "Failed", "Cancelled", "Cached", "PromptTokens", "CompletionTokens", "Cost",
            "LatencyMsSum", "TimeToFirstTokenMsSum", "TimeToFirstTokenCount",
            .. Enumerable.Range(0, HistogramBuckets).Select(b => "Latency" + b.ToString("D2", CultureInfo.InvariantCulture)),
            .. Enumerable.Range(0, HistogramBuckets).Select(b => "Ttft" + b.ToString("D2", CultureInfo.InvariantCulture)),
        ];
        return "INSERT INTO \"UsageModelRollups\" (\"HourStart\", \"Provider\", \"Model\", " + string.Join(", ", summed.Select(c => "\"" + c + "\"")) + ") " +
            "SELECT \"HourStart\", \"Provider\", \"Model\", " + string.Join(", ", summed.Select(c => "SUM(\"" + c + "\")")) +
            " FROM \"UsageRollups\" GROUP BY \"HourStart\", \"Provider\", \"Model\"";
    }
}
