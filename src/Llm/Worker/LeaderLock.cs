using LlmPlatform.Llm.Redis;
using Medallion.Threading;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Npgsql;

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
        new PostgresDistributedLock(new PostgresAdvisoryLockKey("llmplatform:worker:" + Name, allowHashing: true), WatchingTheClient(connectionString)));

    // The lock's connection watches for its own loss with a long-running pg_sleep, during which PostgreSQL reads nothing
    // from the client: a leader killed meanwhile would keep the lock until the sleep ends. Checking the client every
    // second (PostgreSQL 14+) ends that session, and frees the lock, as soon as the leader is gone.
    private static string WatchingTheClient(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c client_connection_check_interval=1000".Trim();
        return builder.ConnectionString;
    }

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
