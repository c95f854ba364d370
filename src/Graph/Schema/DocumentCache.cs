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

        if (_documents.TryGetValue(query, out Entry? cached))
        {
            options.Document = cached!.Document;
            options.ValidationRules = RulesFor(cached, options.CachedDocumentValidationRules);
            return await next(options);
        }

        var result = await next(options);
        // Executed means it parsed and passed validation; only such documents are worth keeping.
        if (result.Executed && result.Document is not null)
            _documents.Set(query, new Entry(result.Document, HasVariables(result.Document)), new MemoryCacheEntryOptions { Size = query.Length });
        return result;
    }

    public void Dispose() => _documents?.Dispose();

    /// <summary>
    /// The rules a cached document still needs. The engine walks the whole document when any rule is listed, so
    /// rules that only variables can break are dropped for a document that declares none: then most cache hits
    /// skip validation entirely.
    /// </summary>
    private static IEnumerable<IValidationRule> RulesFor(Entry cached, IEnumerable<IValidationRule>? rules)
    {
        if (rules is null)
            return [];
        if (cached.HasVariables)
            return rules;
        var needed = rules.Where(rule => rule is not VariableComplexityValidationRule).ToList();
        return needed.Count == 0 ? [] : needed;
    }

    private static bool HasVariables(GraphQLDocument document) =>
        document.Definitions.OfType<GraphQLOperationDefinition>().Any(operation => operation.Variables is { Count: > 0 });

    private sealed record Entry(GraphQLDocument Document, bool HasVariables);
}
