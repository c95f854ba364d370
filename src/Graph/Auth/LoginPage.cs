using System.Text;
using System.Text.Encodings.Web;

namespace LlmPlatform.Graph.Auth;

/// <summary>The minimal server-rendered sign-in page of the authorization code flow.</summary>
internal static class LoginPage
{
    public static IResult Render(string? clientId, IEnumerable<KeyValuePair<string, string>> hidden, string? error)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Sign in · LlmPlatform</title>
            <style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
            label,input,button{display:block;width:100%;box-sizing:border-box;margin:.25rem 0}input,button{padding:.5rem}
            .error{color:#b00020}</style></head><body>
            """);
        page.Append("<h1>Sign in</h1><p>to continue to <strong>").Append(html.Encode(clientId ?? "the application")).Append("</strong></p>");
        if (error is not null)
            page.Append("<p class=\"error\" role=\"alert\">").Append(html.Encode(error)).Append("</p>");
        page.Append("<form method=\"post\">");
        foreach (var (name, value) in hidden)
            page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(value)).Append("\">");
        page.Append($"""
            <label for="email">Email</label><input id="email" name="{AuthorizeEndpoint.EmailField}" type="email" autocomplete="username" required autofocus>
            <label for="password">Password</label><input id="password" name="{AuthorizeEndpoint.PasswordField}" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button></form></body></html>
            """);
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }
}
