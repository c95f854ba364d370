using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Cors;

/// <summary>
/// Which web pages on other origins may call the API from a browser (CORS on <c>/graphql</c> and <c>/connect/*</c>,
/// and the <c>Origin</c> check of WebSocket upgrades). Section <c>Cors</c>.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Cors";

    /// <summary>The methods a page may use when <see cref="AllowedMethods"/> names none.</summary>
    public static readonly IReadOnlyList<string> DefaultMethods = ["GET", "POST", "PUT", "DELETE"];

    /// <summary>
    /// The request headers a page may send when <see cref="AllowedHeaders"/> names none: what the GraphQL clients
    /// send (graphql-sse's event stream token and Apollo's CSRF and operation headers among them).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultHeaders =
    [
        "Accept", "Authorization", "Content-Type", "GraphQL-Require-Preflight", "Apollo-Require-Preflight",
        "X-Apollo-Operation-Name", "X-GraphQL-Event-Stream-Token",
    ];

    /// <summary>
    /// Origins allowed, each <c>scheme://host[:port]</c>, or <c>scheme://host:*</c> for any port.
    /// Development starts with <c>http://localhost:*</c> and <c>http://127.0.0.1:*</c>; elsewhere the list is empty.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Methods allowed; <see cref="DefaultMethods"/> when empty.</summary>
    public IList<string> AllowedMethods { get; } = [];

    /// <summary>Request headers allowed; <see cref="DefaultHeaders"/> when empty.</summary>
    public IList<string> AllowedHeaders { get; } = [];

    /// <summary>Lets pages send cookies and HTTP authentication (the API itself reads bearer tokens, not cookies).</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long a browser may reuse a preflight's answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Development trusts pages served from this machine, on any port; no other environment trusts any.</summary>
    public void ApplyDefaultsOf(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.IsDevelopment())
        {
            AllowedOrigins.Add("http://localhost:*");
            AllowedOrigins.Add("http://127.0.0.1:*");
        }
    }
}
