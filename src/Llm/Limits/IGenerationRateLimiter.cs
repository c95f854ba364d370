namespace LlmPlatform.Llm.Limits;

/// <summary>
/// Per-caller limits on generations: requests and tokens in any minute, tokens in a day. A caller is a partition,
/// named by a key such as <c>user:&lt;id&gt;</c> or <c>ip:&lt;address&gt;</c>. Both calls return within a bounded time
/// and do not throw when the counts cannot be reached (the limits then do not hold), so neither holds up a generation.
/// </summary>
public interface IGenerationRateLimiter
{
    /// <summary>
    /// Counts one generation for the caller, unless one of their limits is reached: then nothing is counted, and the
    /// refusal says which limit it is and when to try again.
    /// </summary>
    ValueTask<RateLimitRefusal?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the tokens (prompt and reply) a finished generation used. Token limits are therefore enforced from the
    /// caller's next request on: how long a reply will be is not known before it ends.
    /// </summary>
    ValueTask RecordTokensAsync(string partitionKey, int tokens, CancellationToken cancellationToken);
}
