using LlmPlatform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Keys;

public static class ProviderKeyServiceCollectionExtensions
{
    /// <summary>
    /// Users' own provider keys (section <c>Llm:ProviderKeys</c>), and ASP.NET Data Protection, which protects them.
    /// </summary>
    /// <remarks>
    /// The key ring lives in the platform's database, so every instance on that database protects and unprotects
    /// alike; the application name isolates it from other apps that might share the table. The ring is app-wide:
    /// anything else that uses Data Protection (cookies, tokens) uses the same ring, under its own purposes.
    /// </remarks>
    public static IHostApplicationBuilder AddProviderKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ProviderKeyOptions>().BindConfiguration(ProviderKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection()
            .SetApplicationName("LlmPlatform")
            // Resolves the scoped PlatformDbContext in a scope of its own for each read and write of the ring.
            .PersistKeysToDbContext<PlatformDbContext>();
        // At Debug, the repository logs each ring key's XML, and with it the master key in clear: whoever reads such
        // logs and the database could unprotect every stored key. A provider-specific level in configuration still wins.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.EntityFrameworkCore", LogLevel.Information);
        services.AddSingleton<ProviderKeyStore>();
        services.AddSingleton<UserChatServices>();
        return builder;
    }
}
