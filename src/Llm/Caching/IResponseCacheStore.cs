namespace LlmPlatform.Llm.Caching;

/// <summary>Where cached replies live: this instance's memory, or Redis shared by every instance.</summary>
public interface IResponseCacheStore
{
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);
}
