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

    /// <summary>Longest JSON schema a request's <c>responseFormat</c> may carry, in characters.</summary>
    [Range(2, 1_000_000)]
    public int MaxResponseSchemaLength { get; set; } = 16_384;

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

    /// <summary>
    /// How often a running generation's text is written to its row, so that no more than this much of it is lost with
    /// its instance when there is no Redis stream to recover it from.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a running generation's instance may go without renewing its lease (it renews every third of it) before
    /// the background worker ends the generation as INSTANCE_LOST.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the background worker's leader looks for generations whose lease has lapsed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long storing a finished reply is retried before its viewers are told STORAGE_UNAVAILABLE (it is still stored later).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StorageRetryFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>cancelGeneration</c> waits for the generation to end and be stored before answering.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CancelWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a provider may go without sending anything before the generation fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ProviderIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most generation starts stored in one transaction (see <see cref="AdmissionWriter"/>).</summary>
    [Range(1, 10_000)]
    public int AdmissionWriteBatchSize { get; set; } = 256;

    /// <summary>Most generation starts waiting to be stored; further starts wait for room.</summary>
    [Range(1, 1_000_000)]
    public int AdmissionWriteQueueCapacity { get; set; } = 4096;
}
