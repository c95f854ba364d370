namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// The Lua scripts of <see cref="RedisBudgetCounters"/>: Redis runs each atomically, so a count is started once for all
/// instances and nothing added between a check and its count is lost. A period is a hash with the fields <c>t</c>
/// (tokens) and <c>c</c> (cost, in units of <see cref="RedisBudgetCounters.CostUnit"/>).
/// </summary>
internal static class RedisBudgetScripts
{
    /// <summary>
    /// KEYS: the day's hash, the month's. ARGV: tokens, cost to add. When both periods are counted already, adds to both
    /// and returns { day tokens, day cost, month tokens, month cost }; else changes nothing and returns nil.
    /// </summary>
    public const string AddIfCounted = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return false end
        return {
          redis.call('HINCRBY', KEYS[1], 't', ARGV[1]), redis.call('HINCRBY', KEYS[1], 'c', ARGV[2]),
          redis.call('HINCRBY', KEYS[2], 't', ARGV[1]), redis.call('HINCRBY', KEYS[2], 'c', ARGV[2]) }
        """;

    /// <summary>
    /// KEYS: the day's hash, the month's. ARGV: the day's tokens and cost in the database, the month's, tokens and cost
    /// to add, ms until the day's hash may go, the month's. Starts each period not counted yet from the database's
    /// figures (another instance may have started it meanwhile: its count stands), then adds; returns as above.
    /// </summary>
    public const string StartAndAdd = """
        local function start(key, tokens, cost, ttl)
          if redis.call('EXISTS', key) == 0 then
            redis.call('HSET', key, 't', tokens, 'c', cost)
            redis.call('PEXPIRE', key, ttl)
          end
        end
        start(KEYS[1], ARGV[1], ARGV[2], ARGV[7])
        start(KEYS[2], ARGV[3], ARGV[4], ARGV[8])
        return {
          redis.call('HINCRBY', KEYS[1], 't', ARGV[5]), redis.call('HINCRBY', KEYS[1], 'c', ARGV[6]),
          redis.call('HINCRBY', KEYS[2], 't', ARGV[5]), redis.call('HINCRBY', KEYS[2], 'c', ARGV[6]) }
        """;
}
