namespace LlmPlatform.Llm.Limits;

/// <summary>
/// The Lua scripts of <see cref="RedisGenerationRateLimiter"/>. Redis runs a script atomically, so a check and its
/// count happen as one step for all instances. They count as <see cref="MinuteWindow"/> does: a hash per minute
/// limit, one field per second (Unix time) holding that second's amount; a key per UTC day for the daily budget.
/// </summary>
internal static class RedisRateLimitScripts
{
    /// <summary>
    /// KEYS: requests hash, tokens hash, today's tokens. ARGV: now (Unix ms), requests a minute, tokens a minute,
    /// tokens a day (0 = no limit). Counts one request unless a limit is reached. Returns the wait in ms until the
    /// requests and the tokens of the minute are below their limits again (0 when they are), and 1 when the day's
    /// budget is spent.
    /// </summary>
    public const string Acquire = """
        local now = tonumber(ARGV[1])
        local second = math.floor(now / 1000)
        local first = second - 59

        local function wait_until_below(key, limit)
          if limit <= 0 then return 0 end
          local fields = redis.call('HGETALL', key)
          local seconds, total = {}, 0
          for i = 1, #fields, 2 do
            local at, amount = tonumber(fields[i]), tonumber(fields[i + 1])
            if at < first then
              redis.call('HDEL', key, fields[i])
            else
              seconds[#seconds + 1] = { at, amount }
              total = total + amount
            end
          end
          if total < limit then return 0 end
          table.sort(seconds, function(a, b) return a[1] < b[1] end)
          for _, entry in ipairs(seconds) do
            total = total - entry[2]
            if total < limit then return (entry[1] + 60) * 1000 - now end
          end
          return 60000
        end

        local requests_limit = tonumber(ARGV[2])
        local requests = wait_until_below(KEYS[1], requests_limit)
        local tokens = wait_until_below(KEYS[2], tonumber(ARGV[3]))
        local day_limit = tonumber(ARGV[4])
        local day_spent = 0
        if day_limit > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= day_limit then day_spent = 1 end
        if requests == 0 and tokens == 0 and day_spent == 0 and requests_limit > 0 then
          redis.call('HINCRBY', KEYS[1], tostring(second), 1)
          redis.call('PEXPIRE', KEYS[1], 61000)
        end
        return { requests, tokens, day_spent }
        """;

    /// <summary>
    /// KEYS: tokens hash, today's tokens. ARGV: now (Unix ms), tokens used, ms until today's key may go. Counts a
    /// finished generation's tokens in the minute and in the day.
    /// </summary>
    public const string Record = """
        local second = math.floor(tonumber(ARGV[1]) / 1000)
        redis.call('HINCRBY', KEYS[1], tostring(second), ARGV[2])
        redis.call('PEXPIRE', KEYS[1], 61000)
        redis.call('INCRBY', KEYS[2], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 0
        """;
}
