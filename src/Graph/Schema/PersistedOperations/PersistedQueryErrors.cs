using GraphQL;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>
/// The hash is not registered (or was evicted): the client sends it again with its query. The message is the one
/// Apollo's PersistedQueryLink looks for (besides the code), so that it does.
/// </summary>
public sealed class PersistedQueryNotFoundError : ExecutionError
{
    public const string ErrorCode = "PERSISTED_QUERY_NOT_FOUND";

    public PersistedQueryNotFoundError() : base("PersistedQueryNotFound") => Code = ErrorCode;
}

/// <summary>Automatic persisted queries are turned off: Apollo's link stops sending hashes when it sees this.</summary>
public sealed class PersistedQueryNotSupportedError : ExecutionError
{
    public const string ErrorCode = "PERSISTED_QUERY_NOT_SUPPORTED";

    public PersistedQueryNotSupportedError() : base("PersistedQueryNotSupported") => Code = ErrorCode;
}

/// <summary>A malformed `persistedQuery` extension, or a query that does not hash to it: the request is refused (HTTP 400).</summary>
public sealed class InvalidPersistedQueryError : ExecutionError
{
    public const string HashMismatch = "PERSISTED_QUERY_HASH_MISMATCH";
    public const string Invalid = "PERSISTED_QUERY_INVALID";

    public InvalidPersistedQueryError(string code, string message) : base(message) => Code = code;
}
