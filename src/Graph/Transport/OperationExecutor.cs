using System.Net;
using System.Security.Claims;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using LlmPlatform.Graph.Telemetry;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// Runs one GraphQL operation for any transport: the request, who asks, in which DI scope, with which
/// extra rules. Limits that apply everywhere (depth, complexity, aliases, timeout) are the engine's configuration.
/// </summary>
internal sealed partial class OperationExecutor(IDocumentExecuter<ISchema> executer, OperationTelemetry telemetry, ILogger<OperationExecutor> logger)
{
    public async Task<ExecutionResult> ExecuteAsync(
        GraphQLRequest request,
        ClaimsPrincipal user,
        IPAddress? remoteAddress,
        IServiceProvider requestServices,
        IValidationRule? extraRule,
        long receivedAt,
        CancellationToken cancellationToken)
    {
        using var observation = telemetry.Start();
        var caller = requestServices.GetRequiredService<OperationCaller>();
        caller.User = user;
        caller.RemoteIpAddress = remoteAddress;
        caller.ReceivedAt = receivedAt;
        var options = new ExecutionOptions
        {
            Query = request.Query,
            DocumentId = request.DocumentId,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            User = user,
            RequestServices = requestServices,
            CancellationToken = cancellationToken,
        };
        if (extraRule is not null)
        {
            // Transport rules hold for cached documents too: the same text may arrive by POST, then by GET.
            options.ValidationRules = DocumentValidator.CoreRules.Append(extraRule);
            options.CachedDocumentValidationRules = [extraRule];
        }
        var result = await executer.ExecuteAsync(options);
        observation.Executed(result, request.OperationName, byDocumentId: request.DocumentId is not null);
        LogProblems(result, request.OperationName);
        return result;
    }

    // Clients see a masked fault (outside Development), so the server's log is the only place its cause is kept.
    private void LogProblems(ExecutionResult result, string? operationName)
    {
        if (result.Errors is not { Count: > 0 } errors)
            return;
        foreach (var error in errors)
        {
            if (error is UnhandledError)
                Log.Fault(logger, error.InnerException ?? error, operationName, error.Path is { } path ? string.Join('.', path) : null);
            else if (error is TimeoutError)
                Log.TimedOut(logger, operationName);
        }
    }
}
