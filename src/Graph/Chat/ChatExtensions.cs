using LlmPlatform.Graph.Browsers;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Chat;

public static class ChatExtensions
{
    private const string EntryFile = "index.html";

    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.Environment;
        builder.Services.AddOptions<ChatOptions>()
            .Configure(options => options.ApplyDefaultsOf(environment))
            .BindConfiguration(ChatOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    /// <summary>The chat page at <paramref name="path"/>, its stylesheet and bundled script below it.</summary>
    public static WebApplication MapChat(this WebApplication app, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<IOptions<ChatOptions>>().Value.Enabled)
            return app;
        var files = BuiltPages.Open("chat", "chat.js");
        app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            files is null ? BuiltPages.WriteNotBuiltAsync(context, "The chat page") : BuiltPages.SendPageAsync(context, files, EntryFile));
        if (files is not null)
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = path });
        return app;
    }
}
