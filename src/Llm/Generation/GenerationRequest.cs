namespace LlmPlatform.Llm.Generation;

/// <summary>
/// What a client asks to generate. Ids are already decoded; settings left null come from the persona, and a null
/// <paramref name="TopP"/> from the provider. <paramref name="Cache"/> overrides the persona's <c>CacheResponses</c>;
/// a null <paramref name="ResponseFormat"/> is text. <paramref name="ReceivedAt"/> is the <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp at which the server began handling the request (null: when admission starts), where its measured overhead begins.
/// <paramref name="Route"/> names a configured route (<c>Llm:Routes</c>), instead of a provider and model.
/// </summary>
public sealed record GenerationRequest(
    Guid? ConversationId, Guid? PersonaId, string Prompt, string? Provider, string? Model, double? Temperature, int? MaxTokens, double? TopP = null,
    bool? Cache = null, ResponseFormat? ResponseFormat = null, long? ReceivedAt = null, string? Route = null);

/// <summary>
/// Why a request was refused before any provider was called; nothing was written. A refusal that passes with time
/// (<see cref="GenerationErrorCodes.RateLimited"/>) says when to try again; a spent budget
/// (<see cref="GenerationErrorCodes.BudgetExceeded"/>) also says when it renews.
/// </summary>
public sealed record GenerationError(string Code, string Message, string? Field, TimeSpan? RetryAfter = null, DateTimeOffset? ResetsAt = null);

/// <summary>The outcome of starting a generation: its first event, or the reasons it was refused.</summary>
public sealed record GenerationStart(GenerationStarted? Started, IReadOnlyList<GenerationError> Errors)
{
    public static GenerationStart Refused(params GenerationError[] errors) => new(null, errors);
}
