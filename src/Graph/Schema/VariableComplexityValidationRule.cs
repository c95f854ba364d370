using GraphQL.Validation;
using GraphQL.Validation.Rules.Custom;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// The complexity limit again for a cached document, but only when its operation has variables: a cached
/// document passed the limit once, and only variables (`first: $n`) can make the same text cost more.
/// The document cache leaves this rule out for documents without variables, so their cache hits skip validation.
/// </summary>
public sealed class VariableComplexityValidationRule(ComplexityValidationRule complexity) : ValidationRuleBase
{
    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Operation.Variables is { Count: > 0 } ? complexity.GetPostNodeVisitorAsync(context) : default;
    }
}
