namespace LlmPlatform.Data.Entities;

/// <summary>
/// The usage of one hour (UTC), per user, provider, model and persona, summed from <see cref="UsageEvent"/> rows by the
/// background worker, so that long ranges are read from a few rows instead of every generation's. Its latency and time-to-first-token
/// histograms are shadow columns (<see cref="UsageHistogram"/>).
/// </summary>
public sealed class UsageRollup
{
    public long Id { get; set; }
    public DateTime HourStart { get; set; }
    public Guid UserId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public Guid? PersonaId { get; set; }
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
