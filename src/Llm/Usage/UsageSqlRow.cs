namespace LlmPlatform.Llm.Usage;

/// <summary>One row of a usage query's SQL, as the database returns it (local times as text, parsed after).</summary>
internal sealed class UsageSqlRow
{
    /// <summary>The local start of the hour, <c>yyyy-MM-dd HH:mm:ss</c>, with the offset in minutes in <see cref="HourOffset"/>.</summary>
    public string? HourLocal { get; set; }
    public int? HourOffset { get; set; }

    /// <summary>The local date, <c>yyyy-MM-dd</c>.</summary>
    public string? Day { get; set; }

    /// <summary>The local date of the week's Monday, <c>yyyy-MM-dd</c>.</summary>
    public string? Week { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public Guid? PersonaId { get; set; }
    public Guid? UserId { get; set; }
    public Guid? ConversationId { get; set; }
    public long Requests { get; set; }
    public long Succeeded { get; set; }
    public long Failed { get; set; }
    public long Cancelled { get; set; }
    public long Cached { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public decimal Cost { get; set; }
    public double? LatencyP50 { get; set; }
    public double? LatencyP95 { get; set; }
    public double? LatencyP99 { get; set; }
    public double? TtftP50 { get; set; }
    public double? TtftP95 { get; set; }

    /// <summary>From rollups: the summed latency histogram, <c>n0,n1,…</c> (see <see cref="LlmPlatform.Data.Entities.UsageHistogram"/>).</summary>
    public string? LatencyHistogram { get; set; }

    /// <summary>From rollups: the summed time-to-first-token histogram.</summary>
    public string? TtftHistogram { get; set; }
}
