using LlmPlatform.Llm.Redis;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>The instance's Redis as the generation streams and signals use it: keys, and calls that never wait unbounded.</summary>
internal sealed class RedisGenerationStore(RedisConnection redis, GenerationStreamOptions options)
{
    public RedisGenerationKeys Keys { get; } = new(options.RedisKeyPrefix);

    public GenerationStreamOptions Options => options;

    /// <summary>The connection, or a <see cref="RedisConnectionException"/> at once while it is down.</summary>
    public async Task<IConnectionMultiplexer> ConnectedAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync(cancellationToken).WaitAsync(options.RedisCommandTimeout, cancellationToken);
        // While the connection is down a command would wait in its backlog until it times out: fail at once instead.
        if (!multiplexer.IsConnected)
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis is not connected.", null, CommandStatus.WaitingToBeSent);
        return multiplexer;
    }

    public async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await ConnectedAsync(cancellationToken)).GetDatabase();

    /// <summary>Waits for a call at most <see cref="GenerationStreamOptions.RedisCommandTimeout"/>.</summary>
    public Task<T> BoundedAsync<T>(Task<T> call, CancellationToken cancellationToken) =>
        call.WaitAsync(options.RedisCommandTimeout, cancellationToken);

    /// <inheritdoc cref="BoundedAsync{T}(Task{T}, CancellationToken)"/>
    public Task BoundedAsync(Task call, CancellationToken cancellationToken) =>
        call.WaitAsync(options.RedisCommandTimeout, cancellationToken);

    /// <summary>True for the ways a call fails while Redis is unreachable or restarting.</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException;

    public static GenerationStreamException Unavailable() => new(GenerationErrorCodes.StreamUnavailable,
        "The generation runs on another instance and the store that carries its events is unreachable; try again later.");
}
