using LlmPlatform.Graph.Browsers;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LlmPlatform.Graph.Ide;

public static class IdeExtensions
{
    private const string EntryFile = "index.html";

    // The parameters of a GraphQL GET request: a browser that sends them wants the result, not the explorer.
    private static readonly string[] OperationParameters = ["query", "documentId", "extensions"];

    public static IHostApplicationBuilder AddIde(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.Environment;
        builder.Services.AddOptions<IdeOptions>()
            .Configure(options => options.ApplyDefaultsOf(environment))
            .BindConfiguration(IdeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// Banana Cake Pop for a browser's <c>GET <paramref name="path"/></c> (<c>Accept: text/html</c>), from the files the
    /// build installed from npm; every other request to <paramref name="path"/> goes on to the transports.
    /// </summary>
    public static WebApplication MapIde(this WebApplication app, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<IdeOptions>>().Value;
        if (!options.Enabled)
            return app;
        var files = BuiltPages.Open("ide", EntryFile);
        app.Use((context, next) =>
        {
            if (!IsExplorerRequest(context.Request, path))
                return next(context);
            if (files is null)
                return BuiltPages.WriteNotBuiltAsync(context, "The explorer (Banana Cake Pop)");
            // The page loads its scripts and bcp-config.json relative to its own address, so that address ends in '/'
            // (as ChilliCream's own middleware does it). 302, not 301: a browser must not remember it past a restart
            // that turned the explorer off.
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                context.Response.Redirect($"{context.Request.PathBase}{path}/{context.Request.QueryString}");
                return Task.CompletedTask;
            }
            return BuiltPages.SendPageAsync(context, files, EntryFile);
        });
        if (files is null)
            return app;
        var config = new ExplorerConfig(options.Title, UseBrowserUrlAsEndpoint: true, SubscriptionProtocol: "graphql-transport-ws",
            IncludeCookies: false, DisableTelemetry: true);
        app.MapGet($"{path}/bcp-config.json", () => Results.Json(config));
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = path });
        return app;
    }

    private static bool IsExplorerRequest(HttpRequest request, string path) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) || request.Path.Equals(path + "/", StringComparison.OrdinalIgnoreCase))
        && !OperationParameters.Any(request.Query.ContainsKey)
        && AcceptsHtml(request);

    // Only a client that names text/html: curl's and most libraries' */* mean "anything", and they get GraphQL.
    private static bool AcceptsHtml(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
