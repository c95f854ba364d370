using Microsoft.Playwright;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// Headless Chromium from Debian's <c>chromium</c> package (test.sh installs it), driven by Playwright; Playwright
/// never downloads a browser of its own. One browser per test class; each test gets a fresh context (no cookies,
/// no storage) and a log of every request its pages made.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly string _profile = Directory.CreateTempSubdirectory("llmplatform-chromium").FullName;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    /// <summary>The browser's executable: <c>LLMPLATFORM_TEST_CHROMIUM</c>, else Debian's.</summary>
    public static string ExecutablePath =>
        System.Environment.GetEnvironmentVariable("LLMPLATFORM_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: the CI keeps TestResults.</summary>
    public static string ScreenshotDirectory =>
        Path.Combine(System.Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") is { Length: > 0 } results
            ? results : Path.Combine(Infrastructure.RepositoryRoot.Path, "TestResults"), "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"No Chromium at {ExecutablePath}: run the tests with ./test.sh (it installs Debian's 'chromium'), or set LLMPLATFORM_TEST_CHROMIUM.");
        // Generous: two cores are shared with the rest of the suite, and a failing wait fails the test all the same.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        // A persistent context is the way to hand Chromium its own fresh --user-data-dir.
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            // Banana Cake Pop's service worker reloads the page when it first takes control, at a moment that
            // depends on the machine's load; a test must not lose what it typed to that.
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });
    }

    /// <summary>A new page; <paramref name="requests"/> collects the URL of every request it makes.</summary>
    public async Task<IPage> NewPageAsync(ICollection<string>? requests = null)
    {
        var page = await _browser!.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        if (requests is not null)
            page.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
        return page;
    }

    /// <summary>Saves what the page shows, for people to look at (TestResults/screenshots/<paramref name="name"/>.png).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = false });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits; the temp directory is the system's to clean.
        }
    }
}
