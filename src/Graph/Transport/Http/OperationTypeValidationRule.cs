using GraphQL.Validation;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>
/// The operation types plain HTTP may carry: GET only reads (a mutation or subscription over GET is 405), and no
/// request answered once can carry a subscription's events, so one POSTed without <c>Accept: text/event-stream</c>
/// fails validation and never starts (as graphql-http's reference server refuses it: 200 under application/json,
/// 400 under application/graphql-response+json).
/// </summary>
internal sealed class OperationTypeValidationRule : ValidationRuleBase
{
    public const string MethodNotAllowedCode = "HTTP_METHOD_NOT_ALLOWED";
    public const string NeedsStreamingCode = "SUBSCRIPTION_NEEDS_STREAMING_TRANSPORT";

    public static OperationTypeValidationRule OnlyQueries { get; } = new(type => type != OperationType.Query, MethodNotAllowedCode,
        type => $"Only queries can be sent with GET; send this {type.ToString().ToLowerInvariant()} with POST.");

    public static OperationTypeValidationRule NoSubscriptions { get; } = new(type => type == OperationType.Subscription, NeedsStreamingCode,
        _ => "Subscriptions stream over WebSocket (graphql-transport-ws) or Server-Sent Events (POST with Accept: text/event-stream), not plain HTTP.");

    private readonly INodeVisitor _visitor;

    private OperationTypeValidationRule(Func<OperationType, bool> refuses, string code, Func<OperationType, string> message) =>
        _visitor = new MatchingNodeVisitor<GraphQLOperationDefinition>((operation, context) =>
        {
            if (refuses(operation.Operation) && operation == context.Operation)
                context.ReportError(new ValidationError(context.Document.Source, code, message(operation.Operation), operation) { Code = code });
        });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(_visitor);
}
