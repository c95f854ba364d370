using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

/// <summary>Refuses a document with more aliases than <see cref="GraphQLOptions.MaxAliases"/>.</summary>
public sealed class AliasLimitValidationRule(IOptions<GraphQLOptions> options) : ValidationRuleBase
{
    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new Visitor(options.Value.MaxAliases));

    private sealed class Visitor(int maxAliases) : INodeVisitor
    {
        private int _aliases;

        public ValueTask EnterAsync(ASTNode node, ValidationContext context)
        {
            if (node is GraphQLField { Alias: not null } && ++_aliases == maxAliases + 1)
            {
                context.ReportError(new ValidationError(context.Document.Source, "MAX_ALIASES",
                    $"The document has more than {maxAliases} aliases.", node));
            }
            return default;
        }

        public ValueTask LeaveAsync(ASTNode node, ValidationContext context) => default;
    }
}
