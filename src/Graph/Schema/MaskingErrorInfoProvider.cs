using GraphQL;
using GraphQL.Execution;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Faults (exceptions no resolver meant to show) reach clients as one generic error with a code;
/// their message, type and stack only when details are exposed (Development).
/// </summary>
public sealed class MaskingErrorInfoProvider(ErrorInfoProviderOptions options) : ErrorInfoProvider(options)
{
    public const string InternalErrorCode = "INTERNAL_SERVER_ERROR";

    private readonly bool _exposeDetails = options.ExposeExceptionDetails;

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        ArgumentNullException.ThrowIfNull(executionError);
        if (executionError is UnhandledError && !_exposeDetails)
        {
            return new ErrorInfo
            {
                Message = "An unexpected error occurred.",
                Extensions = new Dictionary<string, object?> { ["code"] = InternalErrorCode },
            };
        }
        return base.GetInfo(executionError);
    }
}
