using GraphQLParser;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Schema.Introspection;

/// <summary>Which parts of an operation are introspection: the <c>__schema</c> and <c>__type</c> fields of its root.</summary>
internal static class IntrospectionOperations
{
    /// <summary>True when every root field (fragments expanded) is <c>__schema</c>, <c>__type</c> or <c>__typename</c>.</summary>
    public static bool IsIntrospectionOnly(GraphQLOperationDefinition operation, GraphQLDocument document) =>
        operation.Operation == OperationType.Query && RootFields(operation.SelectionSet, document).All(field => IsMetaField(field.Name.Value.Span));

    /// <summary>The root fields that start introspection: <c>__schema</c> and <c>__type</c>.</summary>
    public static IEnumerable<GraphQLField> IntrospectionFields(GraphQLOperationDefinition operation, GraphQLDocument document) =>
        RootFields(operation.SelectionSet, document).Where(field => field.Name.Value.Span is "__schema" or "__type");

    private static bool IsMetaField(ReadOnlySpan<char> name) => name is "__schema" or "__type" or "__typename";

    /// <summary>The fields of a root selection set, through its fragments; each fragment once.</summary>
    private static IEnumerable<GraphQLField> RootFields(GraphQLSelectionSet selectionSet, GraphQLDocument document)
    {
        var pending = new Stack<GraphQLSelectionSet>([selectionSet]);
        var spread = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var set))
        {
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        yield return field;
                        break;
                    case GraphQLInlineFragment inline:
                        pending.Push(inline.SelectionSet);
                        break;
                    case GraphQLFragmentSpread fragmentSpread when spread.Add(fragmentSpread.FragmentName.Name.StringValue):
                        if (document.FindFragmentDefinition(fragmentSpread.FragmentName.Name.Value) is { } fragment)
                            pending.Push(fragment.SelectionSet);
                        break;
                }
            }
        }
    }
}
