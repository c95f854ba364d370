using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// Runs one GraphQL operation for any transport: the request, who asks, in which DI scope, with which
/// extra rules. Limits that apply everywhere (depth, complexity, aliases, timeout) are the engine's configuration.
/// </summary>
internal sealed class OperationExecutor(IDocumentExecuter<ISchema> executer)
{
    public Task<ExecutionResult> ExecuteAsync(
        GraphQLRequest request,
        ClaimsPrincipal user,
        IServiceProvider requestServices,
        IValidationRule? extraRule,
        CancellationToken cancellationToken)
    {
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
        return executer.ExecuteAsync(options);
    }
}
