using System.Net;
using Microsoft.Extensions.FileProviders;

namespace LlmPlatform.Graph.Browsers;

/// <summary>
/// The browser pages' files that the build made from npm (see Browsers.targets), under <c>browser/</c> in the output.
/// </summary>
internal static class BuiltPages
{
    /// <summary>The files of one page (<c>ide</c>, <c>chat</c>), or null when the build had no node to make them.</summary>
    public static PhysicalFileProvider? Open(string page, string entryFile)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "browser", page);
        return File.Exists(Path.Combine(directory, entryFile)) ? new PhysicalFileProvider(directory) : null;
    }

    /// <summary>Says plainly that a page was not built, and how to build it, instead of serving something broken.</summary>
    public static Task WriteNotBuiltAsync(HttpContext context, string what)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/html; charset=utf-8";
        var name = WebUtility.HtmlEncode(what);
        return context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{name} was not built</title></head>
            <body>
            <h1>{name} was not built</h1>
            <p>This server was built without Node.js, so the files of {name} (installed from npm at build time) are missing.</p>
            <p>Install Node.js 20 or later, then build again: <code>dotnet build src/Graph</code> (or <code>dotnet run --project src/Graph</code>).</p>
            <p>The GraphQL API itself works: <code>POST</code> to this address with <code>Content-Type: application/json</code>.</p>
            </body></html>
            """);
    }

    /// <summary>Sends a page's entry HTML; never cached, so a rebuilt page is picked up at once.</summary>
    public static Task SendPageAsync(HttpContext context, IFileProvider files, string entryFile)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.SendFileAsync(files.GetFileInfo(entryFile), context.RequestAborted);
    }
}
