using GraphQL.Execution;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Parses documents for every transport within the limits of <see cref="GraphQLOptions"/>: their length, their
/// nesting (while parsing, and again with fragments expanded) and their size, each refused with a code of its own
/// before any validation rule runs.
/// </summary>
public sealed class LimitedDocumentBuilder(IOptions<GraphQLOptions> options) : IDocumentBuilder
{
    private readonly GraphQLOptions _limits = options.Value;
    private readonly GraphQLDocumentBuilder _parser = new() { MaxDepth = options.Value.MaxNestingDepth };

    public GraphQLDocument Build(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // GraphQLParser (9.5) pads a syntax error's message to the error's column one character at a time, so an
        // error at the end of a long line costs time that grows with the square of its column: seconds for 200 KB.
        if (body.Length > _limits.MaxDocumentLength)
            throw DocumentLimitError.TooLong(_limits.MaxDocumentLength);
        GraphQLDocument document;
        try
        {
            document = _parser.Build(body);
        }
        catch (GraphQLMaxDepthExceededException e)
        {
            // The engine turns only syntax errors into document errors; this one would be reported as a fault.
            throw DocumentLimitError.TooDeep(_limits.MaxNestingDepth, e.Location);
        }
        DocumentLimits.Check(document, _limits);
        return document;
    }
}
