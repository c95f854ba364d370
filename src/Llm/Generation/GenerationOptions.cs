using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Generation;

/// <summary>Limits and behaviour of generations. Section <c>Llm:Generation</c>.</summary>
public sealed class GenerationOptions
{
    public const string Section = "Llm:Generation";

    /// <summary>Longest prompt accepted, in characters.</summary>
    [Range(1, 10_000_000)]
    public int MaxPromptLength { get; set; } = 32_000;

    /// <summary>Most reply tokens a request may ask for.</summary>
    [Range(1, 10_000_000)]
    public int MaxTokensLimit { get; set; } = 32_000;

    /// <summary>
    /// Most messages one conversation may hold. A generation adds two (the prompt and the reply), so one into a
    /// conversation without room for both is refused with CONVERSATION_FULL.
    /// </summary>
    [Range(2, 10_000_000)]
    public int MaxMessagesPerConversation { get; set; } = 1000;

    /// <summary>Most earlier messages of a conversation sent with a prompt (before trimming to the context window).</summary>
    [Range(0, 100_000)]
    public int MaxHistoryMessages { get; set; } = 200;

    /// <summary>Events kept per generation for late joiners and resumes; a generation with more keeps the newest.</summary>
    [Range(16, 10_000_000)]
    public int ReplayBufferSize { get; set; } = 65_536;

    /// <summary>How long a finished generation stays watchable and resumable.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetainFinishedFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Cancel a running generation this long after its last viewer left (time to reconnect and resume);
    /// null to let it finish unwatched.
    /// </summary>
    public TimeSpan? CancelWhenUnwatchedAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a provider may go without sending anything before the generation fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ProviderIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
