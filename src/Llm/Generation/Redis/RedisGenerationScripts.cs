namespace LlmPlatform.Llm.Generation.Redis;

internal static class RedisGenerationScripts
{
    /// <summary>
    /// Appends a final event to a generation that Redis still holds and that has none yet, right after its last event;
    /// one script, so two instances ending the same orphan cannot both append. Returns 1 when it appended.
    /// KEYS: events stream, start key. ARGV: final field name, its value, lifetime in ms, doorbell channel, the two
    /// final field names.
    /// </summary>
    public const string EndOrphan = """
        if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
        local position = 1
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #last > 0 then
          local fields = last[1][2]
          for i = 1, #fields, 2 do
            if fields[i] == ARGV[5] or fields[i] == ARGV[6] then return 0 end
          end
          position = tonumber(string.match(last[1][1], '%-(%d+)$')) + 1
        end
        redis.call('XADD', KEYS[1], '0-' .. position, 'f', position, ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('PUBLISH', ARGV[4], '')
        return 1
        """;
}
