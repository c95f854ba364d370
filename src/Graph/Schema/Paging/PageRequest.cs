using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GraphQL;

namespace LlmPlatform.Graph.Schema.Paging;

/// <summary>
/// The Relay paging arguments of one list field, checked and turned into positions.
/// Cursors are opaque offsets into the list in its requested order.
/// </summary>
public sealed record PageRequest(int? First, int? AfterIndex, int? Last, int? BeforeIndex)
{
    /// <summary>First position the caller may see: just past <c>after</c>.</summary>
    public int Lower => AfterIndex is { } after ? after + 1 : 0;

    public static PageRequest From(IResolveFieldContext context, PagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var first = context.GetArgument<int?>("first");
        var last = context.GetArgument<int?>("last");
        var after = DecodeCursor(context.GetArgument<string?>("after"), "after");
        var before = DecodeCursor(context.GetArgument<string?>("before"), "before");

        if (first is not null && last is not null)
            throw Invalid("Pass either `first` or `last`, not both.");
        if (first < 0 || last < 0)
            throw Invalid("`first` and `last` cannot be negative.");
        if (first > options.MaxPageSize || last > options.MaxPageSize)
            throw Invalid($"`first` and `last` can be at most {options.MaxPageSize}.");
        if (first is null && last is null)
            first = options.DefaultPageSize;
        return new PageRequest(first, after, last, before);
    }

    public static string EncodeCursor(int index) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes("i:" + index.ToString(CultureInfo.InvariantCulture)));

    private static int? DecodeCursor(string? cursor, string argument)
    {
        if (cursor is null)
            return null;
        Span<byte> bytes = stackalloc byte[32];
        if (cursor.Length > 40
            || Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || written < 3 || bytes[0] != 'i' || bytes[1] != ':'
            || !int.TryParse(bytes[2..written], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            // No list issues it, and the position after it would overflow.
            || index == int.MaxValue)
            throw Invalid($"`{argument}` is not a cursor this list issued.");
        return index;
    }

    private static ExecutionError Invalid(string message) => new(message) { Code = "INVALID_PAGING_ARGUMENTS" };
}
