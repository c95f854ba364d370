namespace LlmPlatform.Graph.Schema.PersistedOperations;

/// <summary>Where the queries registered by Apollo's automatic persisted queries are kept, by their SHA-256 hash.</summary>
public interface IPersistedQueryStore
{
    /// <summary>The query registered under <paramref name="hash"/>, or null when there is none (or it was evicted).</summary>
    ValueTask<string?> GetAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Registers <paramref name="query"/> under <paramref name="hash"/> (its verified SHA-256).</summary>
    ValueTask SetAsync(string hash, string query, CancellationToken cancellationToken);
}
