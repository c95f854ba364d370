using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Visitors;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Measures a parsed document against the size limits of <see cref="GraphQLOptions"/>, before any validation rule
/// walks it. The engine's rules recurse through the fragments a document spreads (a chain of a few thousand fragments
/// overflows the stack, which ends the process) and compare the fields of a selection set pairwise (a few hundred
/// fields under one name cost seconds), so such documents are refused here, in one walk of the document.
/// </summary>
internal static class DocumentLimits
{
    /// <summary>Throws a <see cref="DocumentLimitError"/> for the first limit the document breaks.</summary>
    public static void Check(GraphQLDocument document, GraphQLOptions limits)
    {
        var fragments = new Dictionary<ROM, GraphQLFragmentDefinition>();
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>())
            fragments.TryAdd(fragment.FragmentName.Name.Value, fragment);

        var measure = new Measure(document.Source, fragments, limits);
        measure.Walk(document);
        CheckFieldMerging(document, fragments, limits.MaxMergedFieldPairs);
    }

    /// <summary>
    /// Counts the pairs of fields the engine compares to check that fields under one response name can be merged
    /// (spec: Field Selection Merging). It compares every two fields that share a response name in a selection set,
    /// merged as execution merges it: with its inline fragments, the fragments it spreads, and the selections of
    /// every other field of the same name. The walk visits each field once per place it is spread, which the walk
    /// before has bounded by the complexity limit.
    /// </summary>
    private static void CheckFieldMerging(GraphQLDocument document, Dictionary<ROM, GraphQLFragmentDefinition> fragments, int maxPairs)
    {
        long pairs = 0;
        // The engine checks a fragment's own selections too, where it is defined, whether or not it is spread.
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLOperationDefinition { SelectionSet: { } operation })
                Merge([operation]);
            else if (definition is GraphQLFragmentDefinition { SelectionSet: { } fragment })
                Merge([fragment]);
        }

        // Recurses as deep as the merged selections nest, which the walk before has bounded.
        void Merge(List<GraphQLSelectionSet> selectionSets)
        {
            var byResponseName = new Dictionary<ROM, List<GraphQLField>>();
            var spread = new HashSet<ROM>();
            foreach (var selectionSet in selectionSets)
                Collect(selectionSet, byResponseName, spread);
            foreach (var (responseName, fields) in byResponseName)
            {
                pairs += (long)fields.Count * (fields.Count - 1) / 2;
                if (pairs > maxPairs)
                    throw DocumentLimitError.TooManyMergedFieldPairs((string)responseName, maxPairs, Location.FromLinearPosition(document.Source, fields[^1].Location.Start));
                var merged = fields.Where(field => field.SelectionSet is not null).Select(field => field.SelectionSet!).ToList();
                if (merged.Count > 0)
                    Merge(merged);
            }
        }

        void Collect(GraphQLSelectionSet selectionSet, Dictionary<ROM, List<GraphQLField>> byResponseName, HashSet<ROM> spread)
        {
            foreach (var selection in selectionSet.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        var responseName = (field.Alias?.Name ?? field.Name).Value;
                        if (!byResponseName.TryGetValue(responseName, out var fields))
                            byResponseName[responseName] = fields = [];
                        fields.Add(field);
                        break;
                    case GraphQLInlineFragment inline:
                        Collect(inline.SelectionSet, byResponseName, spread);
                        break;
                    case GraphQLFragmentSpread fragmentSpread
                        when spread.Add(fragmentSpread.FragmentName.Name.Value) && fragments.TryGetValue(fragmentSpread.FragmentName.Name.Value, out var fragment):
                        Collect(fragment.SelectionSet, byResponseName, spread);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Counts the document's nodes, and measures its depth and its fields with every fragment spread expanded. A
    /// fragment is measured once, from where it is first spread, so a long chain of spreads is cut off as soon as it
    /// is too deep, and fragments that each spread two others cannot make the engine walk an exponential number of fields.
    /// </summary>
    private sealed class Measure(ROM source, Dictionary<ROM, GraphQLFragmentDefinition> fragments, GraphQLOptions limits)
        : ASTVisitor<Measure>, IASTVisitorContext
    {
        // What each fragment's selection set adds where it is spread: levels of nesting, and fields.
        private readonly Dictionary<ROM, (int Levels, long Fields)> _fragmentSizes = [];
        private readonly HashSet<ROM> _expanding = [];
        private int _depth;
        private int _deepest;
        private int _nodes;
        private long _fields;
        private bool _inSpread;

        public CancellationToken CancellationToken => default;

        public void Walk(ASTNode node)
        {
            // Nothing in this visitor waits: the walk has finished (or thrown) when VisitAsync returns.
            var walk = VisitAsync(node, this);
            walk.GetAwaiter().GetResult();
        }

        public override ValueTask VisitAsync(ASTNode? node, Measure context)
        {
            if (node is null)
                return default;
            if (!_inSpread && ++_nodes > limits.MaxDocumentNodes)
                throw DocumentLimitError.TooManyNodes(limits.MaxDocumentNodes);
            if (++_depth > limits.MaxNestingDepth)
                throw DocumentLimitError.TooDeep(limits.MaxNestingDepth, At(node));
            if (node is GraphQLField)
                CountFields(1);
            _deepest = Math.Max(_deepest, _depth);
            var visit = base.VisitAsync(node, context);
            _depth--;
            return visit;
        }

        protected override ValueTask VisitFragmentSpreadAsync(GraphQLFragmentSpread fragmentSpread, Measure context)
        {
            ArgumentNullException.ThrowIfNull(fragmentSpread);
            var name = fragmentSpread.FragmentName.Name.Value;
            // An unknown fragment, or a spread that closes a cycle, is the validation rules' to report.
            if (fragments.TryGetValue(name, out var fragment) && !_expanding.Contains(name))
            {
                // Expanding a fragment counts its fields as it walks them; a fragment measured before adds its count.
                if (_fragmentSizes.TryGetValue(name, out var size))
                    CountFields(size.Fields);
                else
                    size = Expand(name, fragment);
                if (_depth + size.Levels > limits.MaxNestingDepth)
                    throw DocumentLimitError.TooDeep(limits.MaxNestingDepth, At(fragmentSpread));
                _deepest = Math.Max(_deepest, _depth + size.Levels);
            }
            return base.VisitFragmentSpreadAsync(fragmentSpread, context);
        }

        private (int Levels, long Fields) Expand(ROM name, GraphQLFragmentDefinition fragment)
        {
            var (start, deepest, fields, inSpread) = (_depth, _deepest, _fields, _inSpread);
            _expanding.Add(name);
            _inSpread = true;
            _deepest = start;
            Walk(fragment.SelectionSet);
            var size = (_deepest - start, _fields - fields);
            _fragmentSizes[name] = size;
            _expanding.Remove(name);
            (_deepest, _inSpread) = (Math.Max(deepest, _deepest), inSpread);
            return size;
        }

        // Every field adds at least one to an operation's complexity, so a document with more fields than the
        // complexity limit would be refused by the engine anyway, after walking all of them.
        private void CountFields(long fields)
        {
            _fields += fields;
            if (_fields > limits.MaxComplexity)
                throw DocumentLimitError.TooComplex(limits.MaxComplexity);
        }

        private Location At(ASTNode node) => Location.FromLinearPosition(source, node.Location.Start);
    }
}
