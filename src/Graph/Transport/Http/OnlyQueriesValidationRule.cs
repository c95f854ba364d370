using GraphQL.Validation;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>GET may only read: a mutation or subscription selected over GET fails with this rule's code (405).</summary>
internal sealed class OnlyQueriesValidationRule : ValidationRuleBase
{
    public const string Code = "HTTP_METHOD_NOT_ALLOWED";

    public static OnlyQueriesValidationRule Instance { get; } = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);

    private static readonly INodeVisitor Visitor = new MatchingNodeVisitor<GraphQLOperationDefinition>((operation, context) =>
    {
        if (operation.Operation != OperationType.Query && operation == context.Operation)
        {
            context.ReportError(new ValidationError(context.Document.Source, Code,
                $"Only queries can be sent with GET; send this {operation.Operation.ToString().ToLowerInvariant()} with POST.", operation));
        }
    });
}
