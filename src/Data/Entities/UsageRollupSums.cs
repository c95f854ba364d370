namespace LlmPlatform.Data.Entities;

/// <summary>
/// What every usage rollup level keeps for one hour (UTC) and its keys: the counts and sums of the
/// <see cref="UsageEvent"/> rows it stands for. The latency and time-to-first-token histograms are shadow columns
/// (<see cref="UsageHistogram"/>).
/// </summary>
public abstract class UsageRollupSums
{
    public long Id { get; set; }
    public DateTime HourStart { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public int Requests { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public int Cancelled { get; set; }
    public int Cached { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public decimal Cost { get; set; }
    public long LatencyMsSum { get; set; }
    public long TimeToFirstTokenMsSum { get; set; }
    public int TimeToFirstTokenCount { get; set; }
}
