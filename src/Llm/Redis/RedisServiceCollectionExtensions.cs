using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Redis;

public static class RedisServiceCollectionExtensions
{
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Registers the one <see cref="RedisConnection"/> when <c>ConnectionStrings:Redis</c> is set; false when it is not
    /// (the instance then works alone, in memory).
    /// </summary>
    public static bool AddRedisConnection(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            return false;
        // Parsed now, so a malformed connection string fails the boot rather than the first request.
        var configuration = ConfigurationOptions.Parse(connectionString);
        builder.Services.TryAddSingleton(sp => new RedisConnection(configuration, sp.GetRequiredService<ILogger<RedisConnection>>()));
        return true;
    }
}
