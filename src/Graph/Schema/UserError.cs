using GraphQL.Types;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// A problem with the caller's input, returned as data in a mutation payload; nothing was written. A refusal that
/// passes with time (<see cref="UserErrorCodes.RateLimited"/>) says when to try again; a spent budget (BUDGET_EXCEEDED) also
/// when it renews.
/// </summary>
public sealed record UserError(string Message, string Code, IReadOnlyList<string>? Field = null, TimeSpan? RetryAfter = null, DateTimeOffset? ResetsAt = null)
{
    /// <summary>Seconds to wait before trying again, rounded up: what clients read.</summary>
    public int? RetryAfterSeconds => RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null;

    public static UserError Required(string field) =>
        new($"{Capitalize(field)} is required.", UserErrorCodes.Required, ["input", field]);

    public static UserError TooLong(string field, int max) =>
        new($"{Capitalize(field)} must be at most {max} characters.", UserErrorCodes.TooLong, ["input", field]);

    public static UserError OutOfRange(string field, string range) =>
        new($"{Capitalize(field)} must be {range}.", UserErrorCodes.OutOfRange, ["input", field]);

    public static UserError NotFound(string field, string what) =>
        new($"No {what} has this id.", UserErrorCodes.NotFound, ["input", field]);

    private static string Capitalize(string field) => char.ToUpperInvariant(field[0]) + field[1..];
}

/// <summary>The codes a <see cref="UserError"/> can carry; clients switch on them.</summary>
public static class UserErrorCodes
{
    public const string Required = "REQUIRED";
    public const string TooLong = "TOO_LONG";
    public const string OutOfRange = "OUT_OF_RANGE";
    public const string NotFound = "NOT_FOUND";
    public const string ReadOnly = "READ_ONLY";
    public const string Invalid = "INVALID";
    public const string Taken = "TAKEN";
    public const string WeakPassword = "WEAK_PASSWORD";
    public const string RateLimited = "RATE_LIMITED";
    public const string TooDeep = "TOO_DEEP";
    public const string TooManyKeys = "TOO_MANY_KEYS";
}

public sealed class UserErrorGraphType : ObjectGraphType<UserError>
{
    public UserErrorGraphType()
    {
        Description = "A problem with the input of a mutation. The mutation changed nothing.";
        Field(e => e.Message).Description("What is wrong, for a human.");
        Field(e => e.Code).Description("What is wrong, for a program: REQUIRED, TOO_LONG, OUT_OF_RANGE, NOT_FOUND, READ_ONLY, INVALID, TAKEN, WEAK_PASSWORD, RATE_LIMITED, BUDGET_EXCEEDED, UNKNOWN_PROVIDER, KEY_NOT_ACCEPTED, TOO_DEEP or TOO_MANY_KEYS.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("field")
            .Description("The path to the input field at fault, e.g. [\"input\", \"name\"]; null when no single field is.")
            .Resolve(ctx => ctx.Source.Field);
        Field<IntGraphType>("retryAfter")
            .Description("Seconds to wait before trying again (rounded up) when the code is RATE_LIMITED or BUDGET_EXCEEDED, or PROVIDER_UNAVAILABLE because the provider's circuit is open; null otherwise.")
            .Resolve(ctx => ctx.Source.RetryAfterSeconds);
        Field<DateTimeOffsetGraphType>("resetsAt")
            .Description("When the spent budget renews (UTC) when the code is BUDGET_EXCEEDED; null otherwise.")
            .Resolve(ctx => ctx.Source.ResetsAt);
    }
}
