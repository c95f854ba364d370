using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

/// <summary>Refuses a document with more aliases than <see cref="GraphQLOptions.MaxAliases"/>.</summary>
public sealed class AliasLimitValidationRule(IOptions<GraphQLOptions> options) : ValidationRuleBase
{
    public const string Code = "MAX_ALIASES";

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new Visitor(options.Value.MaxAliases));

    private sealed class Visitor(int maxAliases) : INodeVisitor
    {
        private int _aliases;

        public ValueTask EnterAsync(ASTNode node, ValidationContext context)
        {
            if (node is GraphQLField { Alias: not null } && ++_aliases == maxAliases + 1)
            {
                // A code of its own: clients tell this refusal apart from a mistake in the document.
                context.ReportError(new ValidationError(context.Document.Source, Code,
                    $"The document has more than {maxAliases} aliases.", node) { Code = Code });
            }
            return default;
        }

        public ValueTask LeaveAsync(ASTNode node, ValidationContext context) => default;
    }
}
