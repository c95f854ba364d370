using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.DI;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>
/// Apollo's automatic persisted queries, on every transport: a request whose <c>extensions.persistedQuery</c> holds
/// <c>{ version: 1, sha256Hash }</c> and no query runs the query registered under that hash, or gets
/// PERSISTED_QUERY_NOT_FOUND; with its query, the query must hash to it, and once it has parsed and validated it is
/// registered for the next time.
/// </summary>
public sealed class AutomaticPersistedQueryHandler(IPersistedQueryStore store, IOptions<PersistedQueryOptions> settings) : IConfigureExecution
{
    public const string Extension = "persistedQuery";

    // After the option configurations (100), before trusted documents (150) and the document cache (200), which
    // both need the query text this step supplies.
    public float SortOrder => 140;

    /// <summary>True when the request's extensions ask for a persisted query, so that it needs no query text.</summary>
    public static bool IsRequested(Inputs? extensions) => extensions?.ContainsKey(Extension) == true;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        if (options.Extensions is null || !options.Extensions.TryGetValue(Extension, out var extension))
            return await next(options);
        if (!settings.Value.Enabled)
            return options.Query is null ? new ExecutionResult(new PersistedQueryNotSupportedError()) : await next(options);
        if (ReadHash(extension) is not { } hash)
        {
            return new ExecutionResult(new InvalidPersistedQueryError(InvalidPersistedQueryError.Invalid,
                "`extensions.persistedQuery` must be { \"version\": 1, \"sha256Hash\": \"<64 hexadecimal digits>\" }."));
        }

        if (options.Query is null)
        {
            options.Query = await store.GetAsync(hash, options.CancellationToken);
            return options.Query is null ? new ExecutionResult(new PersistedQueryNotFoundError()) : await next(options);
        }

        if (!string.Equals(Sha256Of(options.Query), hash, StringComparison.Ordinal))
        {
            return new ExecutionResult(new InvalidPersistedQueryError(InvalidPersistedQueryError.HashMismatch,
                "The query's SHA-256 hash does not match `extensions.persistedQuery.sha256Hash`."));
        }
        var query = options.Query;
        var result = await next(options);
        // Only a document that parsed and validated is worth registering; anything else would fail again.
        if (result.Executed)
            await store.SetAsync(hash, query, options.CancellationToken);
        return result;
    }

    /// <summary>The hash of a version 1 extension, in lower case; null when the extension is not one.</summary>
    private static string? ReadHash(object? extension)
    {
        if (extension is not IDictionary<string, object?> fields
            || !fields.TryGetValue("version", out var version) || version is not (1 or 1L)
            || !fields.TryGetValue("sha256Hash", out var value) || value is not string hash
            || hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
        {
            return null;
        }
        return hash.ToLower(CultureInfo.InvariantCulture);
    }

    private static string Sha256Of(string query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)));
}
