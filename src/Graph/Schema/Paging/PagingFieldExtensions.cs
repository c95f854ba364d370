using GraphQL.Builders;
using GraphQL.Types;

namespace LlmPlatform.Graph.Schema.Paging;

public static class PagingFieldExtensions
{
    /// <summary>Adds the Relay paging arguments `first`, `after`, `last` and `before` to a list field.</summary>
    public static FieldBuilder<TSource, TReturn> PagingArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field
            .Argument<IntGraphType>("first", "Return at most this many items from the start of the range.")
            .Argument<StringGraphType>("after", "Start after the item with this cursor.")
            .Argument<IntGraphType>("last", "Return at most this many items from the end of the range.")
            .Argument<StringGraphType>("before", "End before the item with this cursor.");
}
