using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// For a caller without a token (unless they act as the local user), adds the rule that refuses fields which need a
/// user. Callers with a token pay nothing for it: the rule is not even added.
/// </summary>
internal sealed class AnonymousCallerRestriction(IOptions<AuthOptions> options) : IConfigureExecution
{
    public float SortOrder => 50;

    public Task<ExecutionResult> ExecuteAsync(ExecutionOptions executionOptions, ExecutionDelegate next)
    {
        if (executionOptions.User?.Identity?.IsAuthenticated != true && !options.Value.AnonymousAsLocalUser)
        {
            executionOptions.ValidationRules = (executionOptions.ValidationRules ?? DocumentValidator.CoreRules).Append(UserRequiredValidationRule.Instance);
            executionOptions.CachedDocumentValidationRules = (executionOptions.CachedDocumentValidationRules ?? []).Append(UserRequiredValidationRule.Instance);
        }
        return next(executionOptions);
    }
}
