using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Identity, the token server and token validation, and who may call without a token.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<AuthOptions>()
            .Configure(options => options.AnonymousAsLocalUser = isDevelopment)
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
