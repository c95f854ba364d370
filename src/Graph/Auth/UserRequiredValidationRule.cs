using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Refuses, before anything runs, a document that selects a field marked <c>.Authorize()</c> (everything but built-in
/// personas, the schema and <c>register</c>) for a caller who is nobody.
/// </summary>
internal sealed class UserRequiredValidationRule : ValidationRuleBase
{
    public const string Code = "UNAUTHENTICATED";

    public static UserRequiredValidationRule Instance { get; } = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);

    private static readonly INodeVisitor Visitor = new MatchingNodeVisitor<GraphQLField>((field, context) =>
    {
        if (context.TypeInfo.GetFieldDef() is { } definition
            && (definition.IsAuthorizationRequired()
                || (context.TypeInfo.GetParentType() is { } parent && parent.IsAuthorizationRequired() && !definition.IsAnonymousAllowed())))
        {
            context.ReportError(new ValidationError(context.Document.Source, Code,
                $"Sign in to use '{definition.Name}': send a bearer token (see /connect/token).", field) { Code = Code });
        }
    });
}
