using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Health;

/// <summary>Redis answers a PING within <see cref="HealthOptions.RedisTimeout"/>, through the instance's own connection.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.RedisTimeout;
        try
        {
            // One bound for connecting and pinging: a Redis that is down must not hold the probe for the client's own timeouts.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            var multiplexer = await redis.GetAsync(bounded.Token);
            var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(bounded.Token);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.#} ms");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis did not answer a PING within {timeout}");
        }
        catch (StackExchange.Redis.RedisException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis did not answer a PING: {e.GetType().Name}");
        }
    }
}
