using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>
/// Cool-downs shared by every instance on one Redis: a key per provider and deployment, holding until when (on the
/// server's clock) and expiring then. A request reads all of a provider's deployments in one MGET. While Redis cannot be
/// reached, this instance's own view stands in (said once in the log, and once again when Redis answers).
/// </summary>
public sealed partial class RedisDeploymentCoolDowns(
    RedisConnection redis, MemoryDeploymentCoolDowns local, TimeProvider clock, IOptions<GenerationStreamOptions> options,
    ILogger<RedisDeploymentCoolDowns> logger) : IDeploymentCoolDowns
{
    private const string Prefix = "llmplatform:cooldown:";
    private int _unreachable;

    public async Task CoolDownAsync(string provider, string deployment, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await local.CoolDownAsync(provider, deployment, until, cancellationToken);
        var ttl = until - clock.GetUtcNow();
        if (ttl <= TimeSpan.Zero)
            return;
        try
        {
            var database = await DatabaseAsync(cancellationToken);
            // A longer cool-down set by another instance is kept (a race between the two calls loses milliseconds at most).
            var current = await database.StringGetAsync(Key(provider, deployment)).WaitAsync(options.Value.RedisCommandTimeout, cancellationToken);
            if (current.TryParse(out long held) && held >= until.ToUnixTimeMilliseconds())
                return;
            await database.StringSetAsync(Key(provider, deployment), until.ToUnixTimeMilliseconds(), ttl).WaitAsync(options.Value.RedisCommandTimeout, cancellationToken);
            Reached();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unreachable(e);
        }
    }

    public async Task<IReadOnlyList<DateTimeOffset?>> ReadAsync(string provider, IReadOnlyList<string> deployments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        var mine = local.Read(provider, deployments);
        RedisValue[] shared;
        try
        {
            var database = await DatabaseAsync(cancellationToken);
            shared = await database.StringGetAsync([.. deployments.Select(d => Key(provider, d))]).WaitAsync(options.Value.RedisCommandTimeout, cancellationToken);
            Reached();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Unreachable(e);
            return mine;
        }
        var now = clock.GetUtcNow();
        return [.. mine.Select((until, i) =>
            shared[i].TryParse(out long ms) && DateTimeOffset.FromUnixTimeMilliseconds(ms) is var theirs && theirs > now && !(until >= theirs) ? theirs : until)];
    }

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await redis.GetAsync(cancellationToken).WaitAsync(options.Value.RedisCommandTimeout, cancellationToken)).GetDatabase();

    private static RedisKey Key(string provider, string deployment) =>
        Prefix + provider.ToLowerInvariant() + "/" + deployment.ToLowerInvariant();

    private void Unreachable(Exception e)
    {
        if (Interlocked.Exchange(ref _unreachable, 1) == 0)
            LogUnreachable(logger, e.GetType().Name);
    }

    private void Reached()
    {
        if (Interlocked.Exchange(ref _unreachable, 0) == 1)
            LogReached(logger);
    }

    [LoggerMessage(EventId = 3511, Level = LogLevel.Warning, Message = "Deployment cool-downs cannot be shared through Redis ({ExceptionType}); this instance uses its own view until Redis answers")]
    private static partial void LogUnreachable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 3512, Level = LogLevel.Information, Message = "Deployment cool-downs are shared through Redis again")]
    private static partial void LogReached(ILogger logger);
}
