using GraphQLParser;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.Introspection;

/// <summary>
/// Bounds what introspection may cost, in place of the data complexity limit (which an introspection-only operation
/// skips: its list estimates would refuse the standard introspection query). The answer of an introspection selection
/// grows with the lists it nests (<c>fields { type { fields { type { fields …</c> multiplies), and its depth with
/// <c>ofType</c> chains; so it is refused past <see cref="GraphQLOptions.MaxIntrospectionListDepth"/> nested lists
/// (graphql-js's MaxIntrospectionDepthRule counts the same four) or <see cref="GraphQLOptions.MaxIntrospectionDepth"/>
/// levels below <c>__schema</c>/<c>__type</c>.
/// </summary>
public sealed class IntrospectionCostValidationRule(IOptions<GraphQLOptions> options) : ValidationRuleBase
{
    public const string Code = "INTROSPECTION_TOO_DEEP";

    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Other rules have reported what makes a walk unsafe (unknown fragments, cycles).
        if (context.HasErrors || context.Operation is null)
            return default;
        var limits = options.Value;
        var walk = new Walk(context.Document, limits.MaxIntrospectionDepth, limits.MaxIntrospectionListDepth);
        foreach (var field in IntrospectionOperations.IntrospectionFields(context.Operation, context.Document))
        {
            if (walk.FindExcess(field.SelectionSet, depth: 1, listDepth: 0) is { } excess)
            {
                context.ReportError(new ValidationError(context.Document.Source, Code, excess, field) { Code = Code });
                break;
            }
        }
        return default;
    }

    private sealed class Walk(GraphQLDocument document, int maxDepth, int maxListDepth)
    {
        // A fragment entered again at the same depth and list depth finds what it found the first time, so it is
        // walked once per pair: a document that spreads fragments in fragments costs its size, not its expansion.
        private readonly HashSet<(string Fragment, int Depth, int ListDepth)> _walked = [];

        /// <summary>Why the selections under a field at <paramref name="depth"/> go too deep; null when they do not.</summary>
        public string? FindExcess(GraphQLSelectionSet? selectionSet, int depth, int listDepth)
        {
            if (selectionSet is null)
                return null;
            foreach (var selection in selectionSet.Selections)
            {
                var excess = selection switch
                {
                    GraphQLField field => FindExcess(field, depth + 1, listDepth + (IsNestingList(field.Name.Value.Span) ? 1 : 0)),
                    GraphQLInlineFragment inline => FindExcess(inline.SelectionSet, depth, listDepth),
                    GraphQLFragmentSpread spread when _walked.Add((spread.FragmentName.Name.StringValue, depth, listDepth)) =>
                        FindExcess(document.FindFragmentDefinition(spread.FragmentName.Name.Value)?.SelectionSet, depth, listDepth),
                    _ => null,
                };
                if (excess is not null)
                    return excess;
            }
            return null;
        }

        private string? FindExcess(GraphQLField field, int depth, int listDepth)
        {
            if (depth > maxDepth)
                return $"The introspection selection is nested more than {maxDepth} levels deep.";
            if (listDepth > maxListDepth)
                return $"The introspection selection nests `fields`, `inputFields`, `interfaces` or `possibleTypes` more than {maxListDepth} deep.";
            return FindExcess(field.SelectionSet, depth, listDepth);
        }

        private static bool IsNestingList(ReadOnlySpan<char> name) => name is "fields" or "inputFields" or "interfaces" or "possibleTypes";
    }
}
