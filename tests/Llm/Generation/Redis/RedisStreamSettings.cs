namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>Settings of an instance whose generation streams go through a Redis, under a key prefix of the test's own.</summary>
public static class RedisStreamSettings
{
    public static List<KeyValuePair<string, string?>> For(string redis, string prefix, params (string Key, string Value)[] more) =>
    [
        new("ConnectionStrings:Redis", redis),
        new("Llm:Generation:RedisKeyPrefix", prefix),
        .. more.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)),
    ];
}
