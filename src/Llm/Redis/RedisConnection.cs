using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Redis;

/// <summary>
/// The instance's one connection to Redis (<c>ConnectionStrings:Redis</c>), opened on first use without blocking a
/// thread. While Redis is unreachable it keeps reconnecting in the background; commands fail meanwhile.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;

    public RedisConnection(ConfigurationOptions configuration, ILogger<RedisConnection> logger)
    {
        _configuration = configuration.Clone();
        // A server that is down at boot must not make the instance unusable forever: keep trying in the background.
        _configuration.AbortOnConnectFail = false;
        _multiplexer = new(async () =>
        {
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration);
            if (!multiplexer.IsConnected)
                Log.NotConnected(logger, _configuration.ToString(includePassword: false));
            return multiplexer;
        });
    }

    public Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) => _multiplexer.Value.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
            await _multiplexer.Value.Result.DisposeAsync();
    }
}
