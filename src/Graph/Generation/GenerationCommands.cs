using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Transport;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Graph.Generation;

/// <summary>Turns GraphQL inputs into generation requests for the current user, and refusals into user errors.</summary>
public sealed class GenerationCommands(GenerationService generations, CurrentUser user, OperationCaller caller)
{
    public async Task<GenerationPayload> StartAsync(GenerateInput input, CancellationToken cancellationToken)
    {
        var (request, errors) = ToRequest(input, caller.ReceivedAt);
        if (request is null)
            return new GenerationPayload(null, errors);
        var start = await generations.StartAsync(request, user.Id, user.RateLimitKey, cancellationToken);
        return start.Started is { } started
            ? new GenerationPayload(GenerationState.Running(started), [])
            : new GenerationPayload(null, start.Errors.Select(ToUserError).ToList());
    }

    /// <summary>Starts a generation and streams it, for the `generate` subscription; refusals are GraphQL errors.</summary>
    public async Task<IAsyncEnumerable<GenerationEvent>> StartAndWatchAsync(GenerateInput input, CancellationToken cancellationToken)
    {
        var (request, errors) = ToRequest(input, caller.ReceivedAt);
        if (request is null)
            throw ToExecutionError(errors[0]);
        var start = await generations.StartAsync(request, user.Id, user.RateLimitKey, cancellationToken);
        if (start.Started is not { } started)
            throw ToExecutionError(ToUserError(start.Errors[0]));
        return Watch(started.GenerationId, null);
    }

    /// <summary>The events of one of the user's generations; unknown or foreign ids are a NOT_FOUND error.</summary>
    public async Task<IAsyncEnumerable<GenerationEvent>> WatchAsync(string id, int? after, CancellationToken cancellationToken)
    {
        if (after < -1)
            throw new GraphQL.ExecutionError("`after` must be a chunk index, or -1 for all chunks.") { Code = GenerationErrorCodes.OutOfRange };
        if (!GlobalId.TryDecodeGuid(id, GenerationGraphType.TypeName, out var generationId) || await generations.FindAsync(generationId, user.Viewer, cancellationToken) is null)
            throw new GraphQL.ExecutionError("No generation of yours has this id.") { Code = GenerationErrorCodes.NotFound };
        return Watch(generationId, after);
    }

    public async Task<GenerationPayload> CancelAsync(CancelGenerationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (GlobalId.TryDecodeGuid(input.Id, GenerationGraphType.TypeName, out var id)
            && await generations.CancelAsync(id, user.Viewer, cancellationToken) is { } state)
            return new GenerationPayload(state, []);
        return new GenerationPayload(null, [new UserError("No generation of yours has this id.", UserErrorCodes.NotFound, ["input", "id"])]);
    }

    private IAsyncEnumerable<GenerationEvent> Watch(Guid generationId, int? after) =>
        new DeferredStream(ct => generations.WatchAsync(generationId, after, user.Viewer, ct));

    private static (GenerationRequest? Request, IReadOnlyList<UserError> Errors) ToRequest(GenerateInput input, long receivedAt)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        Guid? conversationId = null, personaId = null;
        if (input.ConversationId is not null)
        {
            if (GlobalId.TryDecodeGuid(input.ConversationId, ConversationGraphType.TypeName, out var id))
                conversationId = id;
            else
                errors.Add(UserError.NotFound("conversationId", "conversation"));
        }
        if (input.PersonaId is not null)
        {
            if (GlobalId.TryDecodeGuid(input.PersonaId, PersonaGraphType.TypeName, out var id))
                personaId = id;
            else
                errors.Add(UserError.NotFound("personaId", "persona"));
        }
        return errors.Count > 0
            ? (null, errors)
            : (new GenerationRequest(conversationId, personaId, input.Prompt, input.Provider, input.Model, input.Temperature, input.MaxTokens, input.TopP,
                input.Cache, ToResponseFormat(input.ResponseFormat), receivedAt == 0 ? null : receivedAt, input.Route), []);
    }

    private static ResponseFormat? ToResponseFormat(ResponseFormatInput? input) =>
        input is null ? null : new ResponseFormat(input.Type, input.JsonSchema?.Name, input.JsonSchema?.Schema, input.JsonSchema?.Strict ?? false);

    private static UserError ToUserError(GenerationError error) =>
        new(error.Message, error.Code, error.Field is null ? null : ["input", error.Field], error.RetryAfter, error.ResetsAt);

    private static GraphQL.ExecutionError ToExecutionError(UserError error)
    {
        var failure = new GraphQL.ExecutionError(error.Message) { Code = error.Code };
        var extensions = new Dictionary<string, object?>();
        if (error.Field is not null)
            extensions["field"] = error.Field;
        if (error.RetryAfterSeconds is { } retryAfter)
            extensions["retryAfter"] = retryAfter;
        if (error.ResetsAt is { } resetsAt)
            extensions["resetsAt"] = resetsAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (extensions.Count > 0)
            failure.Extensions = extensions;
        return failure;
    }

    private sealed class DeferredStream(Func<CancellationToken, IAsyncEnumerable<GenerationEvent>> open) : IAsyncEnumerable<GenerationEvent>
    {
        public IAsyncEnumerator<GenerationEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            open(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }
}
