namespace LlmPlatform.Llm.Generation;

/// <summary>
/// What happens to a generation, in order. Plain data, so any event stream (in memory, Redis) can carry it.
/// </summary>
public abstract record GenerationEvent(Guid GenerationId);

/// <summary>
/// The generation was accepted: where it writes, and the provider and model called first (or whose cached reply is
/// replayed). When that target fails before its first token and the route moves on, <see cref="GenerationUsage"/> names the one that served.
/// </summary>
public sealed record GenerationStarted(
    Guid GenerationId, Guid ConversationId, Guid? PersonaId, Guid OwnerId, long UserMessageId,
    string Provider, string Model, DateTime StartedAt) : GenerationEvent(GenerationId);

/// <summary>A piece of the reply. Indexes start at 0 and have no gaps, so a client can prove it lost nothing.</summary>
public sealed record TokenChunk(Guid GenerationId, int Index, string Text) : GenerationEvent(GenerationId);

/// <summary>The reply ended and was stored: completed, cut at the token limit, or cancelled.</summary>
public sealed record GenerationCompleted(Guid GenerationId, long MessageId, GenerationUsage Usage) : GenerationEvent(GenerationId);

/// <summary>The provider failed; what arrived before the failure was stored as the message.</summary>
public sealed record GenerationFailed(Guid GenerationId, string Code, string Message, long? MessageId, GenerationUsage? Usage)
    : GenerationEvent(GenerationId);

/// <summary>
/// Tokens, timing and cost of one generation. <paramref name="OverheadMs"/>: what the server itself added before the
/// first token reached the viewers (see <c>GenerationTelemetry</c>); null when no token came. <paramref name="Provider"/>
/// and <paramref name="Model"/>: the target that served (or failed last); <paramref name="Attempts"/>: the targets of its
/// route tried, that one included (skipped ones count).
/// </summary>
public sealed record GenerationUsage(
    int PromptTokens, int CompletionTokens, bool Estimated, int LatencyMs, int? TimeToFirstTokenMs, decimal Cost, bool Cached = false,
    double? OverheadMs = null, string Provider = "", string Model = "", int Attempts = 1)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>Codes a <see cref="GenerationFailed"/> or a refused request carries.</summary>
public static class GenerationErrorCodes
{
    public const string ProviderError = "PROVIDER_ERROR";
    public const string ProviderRateLimited = "PROVIDER_RATE_LIMITED";
    public const string ProviderTimeout = "PROVIDER_TIMEOUT";
    public const string ProviderTruncated = "PROVIDER_TRUNCATED";
    public const string ProviderUnavailable = "PROVIDER_UNAVAILABLE";
    public const string ProviderKeyUnreadable = "PROVIDER_KEY_UNREADABLE";
    public const string NotFound = "NOT_FOUND";
    public const string Required = "REQUIRED";
    public const string TooLong = "TOO_LONG";
    public const string OutOfRange = "OUT_OF_RANGE";
    public const string ConversationFull = "CONVERSATION_FULL";
    public const string UnknownProvider = "UNKNOWN_PROVIDER";
    public const string UnknownModel = "UNKNOWN_MODEL";
    public const string UnknownRoute = "UNKNOWN_ROUTE";
    public const string RouteConflict = "ROUTE_CONFLICT";
    public const string ReplayUnavailable = "REPLAY_UNAVAILABLE";
    public const string FellBehind = "FELL_BEHIND";
    public const string StreamUnavailable = "STREAM_UNAVAILABLE";
    public const string RateLimited = "RATE_LIMITED";
    public const string InstanceLost = "INSTANCE_LOST";
    public const string StorageUnavailable = "STORAGE_UNAVAILABLE";
    public const string ResponseFormatUnsupported = "RESPONSE_FORMAT_UNSUPPORTED";
    public const string InvalidResponseFormat = "INVALID_RESPONSE_FORMAT";
    public const string BudgetExceeded = "BUDGET_EXCEEDED";
}
