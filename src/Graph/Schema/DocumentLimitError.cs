using GraphQL.Execution;
using GraphQLParser;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// A document refused before validation because it is too large or too deep for one of <see cref="GraphQLOptions"/>'
/// limits. Each limit has a code of its own, so a client tells the refusal apart from a mistake in the document.
/// </summary>
public sealed class DocumentLimitError : DocumentError
{
    public const string LengthCode = "MAX_DOCUMENT_LENGTH";
    public const string DepthCode = "MAX_NESTING_DEPTH";
    public const string NodesCode = "MAX_DOCUMENT_NODES";
    public const string MergedFieldPairsCode = "MAX_MERGED_FIELD_PAIRS";

    // The engine's code for an operation over the complexity limit, which this error anticipates.
    public const string ComplexityCode = "COMPLEXITY";

    private DocumentLimitError(string code, string message, Location? location = null)
        : base(message)
    {
        Code = code;
        if (location is { } at)
            AddLocation(at);
    }

    public static DocumentLimitError TooLong(int maxLength) =>
        new(LengthCode, $"The document is longer than {maxLength} characters.");

    public static DocumentLimitError TooDeep(int maxDepth, Location? location = null) =>
        new(DepthCode, $"The document is nested more than {maxDepth} levels deep, counting the fragments it spreads.", location);

    public static DocumentLimitError TooManyNodes(int maxNodes) =>
        new(NodesCode, $"The document has more than {maxNodes} syntax nodes (fields, arguments, values, directives, variables).");

    public static DocumentLimitError TooComplex(int maxComplexity) =>
        new(ComplexityCode, $"The document selects more than {maxComplexity} fields once its fragments are expanded; maximum complexity on this endpoint is {maxComplexity}.");

    public static DocumentLimitError TooManyMergedFieldPairs(string responseName, int maxPairs, Location location) =>
        new(MergedFieldPairsCode, $"The document selects fields under the same response name (such as `{responseName}`) at the same place so often that checking they can be merged would compare more than {maxPairs} pairs of fields.", location);
}
