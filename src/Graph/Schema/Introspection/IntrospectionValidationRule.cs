using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.Introspection;

/// <summary>
/// Refuses `__schema` and `__type` when <see cref="GraphQLOptions.EnableIntrospection"/> is off; `__typename` stays
/// allowed, since clients select it to tell the members of a union apart.
/// </summary>
public sealed class IntrospectionValidationRule(IOptions<GraphQLOptions> options) : ValidationRuleBase
{
    public const string Code = "INTROSPECTION_DISABLED";

    private static readonly INodeVisitor Visitor = new MatchingNodeVisitor<GraphQLField>((field, context) =>
    {
        if (field.Name.Value == "__schema" || field.Name.Value == "__type")
        {
            context.ReportError(new ValidationError(context.Document.Source, Code,
                "Introspection is disabled on this server.", field) { Code = Code });
        }
    });

    // The switch is read at start-up, so a document cached while it was on is never served once it is off.
    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(options.Value.EnableIntrospection ? null : Visitor);
}
