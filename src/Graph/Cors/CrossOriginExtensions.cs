using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Cors;

public static class CrossOriginExtensions
{
    /// <summary>
    /// The CORS policy of <see cref="CrossOriginOptions"/>, as ASP.NET Core's default policy: the CORS middleware
    /// applies it to <c>/graphql</c> and <c>/connect</c>, and the WebSocket endpoint checks upgrades against it.
    /// </summary>
    public static IHostApplicationBuilder AddCrossOrigin(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.Environment;
        builder.Services.AddOptions<CrossOriginOptions>()
            .Configure(options => options.ApplyDefaultsOf(environment))
            .BindConfiguration(CrossOriginOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AllowedOrigins.All(text => OriginPattern.TryParse(text, out _)),
                $"{CrossOriginOptions.Section}:{nameof(CrossOriginOptions.AllowedOrigins)}: each must be scheme://host[:port] or scheme://host:* (no path)")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>()
            .Configure<IOptions<CrossOriginOptions>>((cors, configured) => cors.AddDefaultPolicy(policy => Configure(policy, configured.Value)));
        return builder;
    }

    /// <summary>CORS on the API's paths. Before authentication, so a preflight is answered before anything reads tokens.</summary>
    public static WebApplication UseCrossOrigin(this WebApplication app, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            context => paths.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)),
            branch => branch.UseCors());
        return app;
    }

    private static void Configure(CorsPolicyBuilder policy, CrossOriginOptions options)
    {
        var origins = new AllowedOrigins(options.AllowedOrigins);
        policy.SetIsOriginAllowed(origins.IsAllowed)
            .WithMethods(OrDefault(options.AllowedMethods, CrossOriginOptions.DefaultMethods))
            .WithHeaders(OrDefault(options.AllowedHeaders, CrossOriginOptions.DefaultHeaders))
            .SetPreflightMaxAge(options.MaxAge);
        if (options.AllowCredentials)
            policy.AllowCredentials();
    }

    private static string[] OrDefault(IList<string> configured, IReadOnlyList<string> defaults) =>
        configured.Count > 0 ? [.. configured] : [.. defaults];
}
