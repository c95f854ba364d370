namespace LlmPlatform.Llm.Usage;

/// <summary>A usage query the caller must change: too many buckets, too long a range, a grouping they may not use.</summary>
public sealed class UsageQueryException(string code, string message) : Exception(message)
{
    public const string TooManyBuckets = "TOO_MANY_BUCKETS";
    public const string RangeTooLong = "USAGE_RANGE_TOO_LONG";
    public const string InvalidRange = "INVALID_USAGE_RANGE";
    public const string Forbidden = "FORBIDDEN";
    public const string RollupsNotApplicable = "ROLLUPS_NOT_APPLICABLE";

    public string Code { get; } = code;
}
