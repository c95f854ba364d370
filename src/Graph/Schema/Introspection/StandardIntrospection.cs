using GraphQL;
using GraphQL.Introspection;
using GraphQL.Resolvers;
using GraphQL.Types;

namespace LlmPlatform.Graph.Schema.Introspection;

/// <summary>
/// Completes GraphQL.NET's introspection types to what graphql-js's <c>getIntrospectionQuery()</c> selects with every
/// option on (the query GraphiQL, Banana Cake Pop, codegen and Apollo tooling send): GraphQL.NET 8 has no
/// <c>__Type.specifiedByURL</c> and no <c>includeDeprecated</c> argument on <c>__Directive.args</c>.
/// </summary>
internal static class StandardIntrospection
{
    /// <summary>Turns on the introspection features of the spec's current draft that GraphQL.NET keeps behind switches.</summary>
    public static void EnableFeatures(ISchema schema)
    {
        schema.Features.DeprecationOfInputValues = true;
        schema.Features.RepeatableDirectives = true;
    }

    /// <summary>Adds the missing fields and arguments to an introspection type before the schema initializes it.</summary>
    public static void Complete(IGraphType graphType)
    {
        switch (graphType)
        {
            case __Type type when type.GetField("specifiedByURL") is null:
                // No scalar of this schema names a specification (there is no @specifiedBy here), so it is always null.
                type.Field<StringGraphType>("specifiedByURL").Resolve(_ => null);
                break;
            case __Directive directive when directive.GetField("args") is { } args && args.Arguments?.Find("includeDeprecated") is null:
                args.Arguments ??= new QueryArguments();
                args.Arguments.Add(new QueryArgument<BooleanGraphType> { Name = "includeDeprecated", DefaultValue = false });
                args.Resolver = new FuncFieldResolver<Directive, object>(context =>
                {
                    IEnumerable<QueryArgument> all = context.Source.Arguments ?? [];
                    return context.GetArgument("includeDeprecated", false)
                        ? all
                        : all.Where(argument => string.IsNullOrWhiteSpace(argument.DeprecationReason)).ToList();
                });
                break;
        }
    }
}
