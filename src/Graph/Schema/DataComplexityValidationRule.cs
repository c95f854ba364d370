using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;
using LlmPlatform.Graph.Schema.Introspection;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// GraphQL.NET's depth and complexity limits for operations that read or write data. An introspection-only operation
/// is measured by <see cref="IntrospectionCostValidationRule"/> instead: the list estimates made for data (20 items a
/// list) would price the standard introspection query at over a million.
/// </summary>
public sealed class DataComplexityValidationRule(ComplexityOptions options) : ComplexityValidationRule(options)
{
    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IntrospectionOperations.IsIntrospectionOnly(context.Operation, context.Document) ? default : base.GetPostNodeVisitorAsync(context);
    }
}
