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
    private readonly List<Action<IConnectionMultiplexer>> _observers = [];
    private IConnectionMultiplexer? _connected;

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
            Action<IConnectionMultiplexer>[] observers;
            lock (_observers)
            {
                _connected = multiplexer;
                observers = [.. _observers];
            }
            foreach (var observe in observers)
                observe(multiplexer);
            return multiplexer;
        });
    }

    public Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) => _multiplexer.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Calls <paramref name="observe"/> with the multiplexer once it exists (at once when it already does), without
    /// opening it: for those who watch the connection (tracing), not use it.
    /// </summary>
    public void WhenConnected(Action<IConnectionMultiplexer> observe)
    {
        ArgumentNullException.ThrowIfNull(observe);
        IConnectionMultiplexer? connected;
        lock (_observers)
        {
            connected = _connected;
            if (connected is null)
                _observers.Add(observe);
        }
        if (connected is not null)
            observe(connected);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
            await _multiplexer.Value.Result.DisposeAsync();
    }
}
