using LlmPlatform.Llm.Redis;
using Medallion.Threading;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;

namespace LlmPlatform.Llm.Worker;

/// <summary>The lock whose holder leads: in Redis, else a PostgreSQL advisory lock, else none (one instance, SQLite).</summary>
internal abstract class LeaderLock
{
    private const string Name = "leader";

    /// <summary>The lock, or null when this instance is alone and leads without one.</summary>
    public abstract ValueTask<IDistributedLock?> GetAsync(CancellationToken cancellationToken);

    public static LeaderLock InRedis(RedisConnection redis, WorkerOptions options) => new RedisLeaderLock(redis, options);

    public static LeaderLock InPostgres(string connectionString) => new Fixed(
        // A session-level advisory lock: PostgreSQL lets go of it as soon as the leader's connection closes.
        new PostgresDistributedLock(new PostgresAdvisoryLockKey("llmplatform:worker:" + Name, allowHashing: true), connectionString));

    public static LeaderLock InProcess() => new Fixed(null);

    private sealed class Fixed(IDistributedLock? value) : LeaderLock
    {
        public override ValueTask<IDistributedLock?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(value);
    }

    private sealed class RedisLeaderLock(RedisConnection redis, WorkerOptions options) : LeaderLock
    {
        public override async ValueTask<IDistributedLock?> GetAsync(CancellationToken cancellationToken)
        {
            var database = (await redis.GetAsync(cancellationToken)).GetDatabase();
            return new RedisDistributedLock(options.RedisKeyPrefix + Name, database, lease => lease
                .Expiry(options.LeaseDuration)
                .ExtensionCadence(options.LeaseDuration / 3));
        }
    }
}
