using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// Keeps documents that parsed and validated, by their text, so a repeated operation skips both steps.
/// Rules that depend on the caller or the variables still run on every request (CachedDocumentValidationRules).
/// </summary>
public sealed class DocumentCache : IConfigureExecution, IDisposable
{
    private readonly MemoryCache? _documents;

    public DocumentCache(IOptions<GraphQLOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A size of 0 turns the cache off.
        if (options.Value.DocumentCacheSize > 0)
            _documents = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.DocumentCacheSize });
    }

    // 200 runs after the option configurations (100), which append the validation rules this step trims.
    public float SortOrder => 200;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        var query = options.Query;
        if (_documents is null || options.Document is not null || query is null)
            return await next(options);

        if (_documents.TryGetValue(query, out GraphQLDocument? cached))
        {
            options.Document = cached;
            options.ValidationRules = options.CachedDocumentValidationRules ?? [];
            return await next(options);
        }

        var result = await next(options);
        // Executed means it parsed and passed validation; only such documents are worth keeping.
        if (result.Executed && result.Document is not null)
            _documents.Set(query, result.Document, new MemoryCacheEntryOptions { Size = query.Length });
        return result;
    }

    public void Dispose() => _documents?.Dispose();
}
