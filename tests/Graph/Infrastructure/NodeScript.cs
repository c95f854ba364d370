using System.Diagnostics;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// Runs a script of <c>tests/js</c> with node (the reference JS clients live there) and returns what it printed.
/// A missing node or missing packages fail the test, never skip it: the protocol checks are part of the suite.
/// </summary>
public static class NodeScript
{
    public static string Directory { get; } = Path.Combine(RepositoryRoot.Path, "tests", "js");

    /// <summary>
    /// Runs <c>node tests/js/<paramref name="script"/> arguments…</c> and returns its stdout; fails the test when it
    /// exits with an error or outlives <paramref name="timeout"/>. <paramref name="package"/> is one it imports.
    /// </summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, string package, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var node = FindOnPath("node");
        if (node is null)
            Assert.Fail(Missing("node is not on PATH"));
        if (!File.Exists(Path.Combine(Directory, "node_modules", package, "package.json")))
            Assert.Fail(Missing($"the JS reference clients are not installed in {Directory}/node_modules ({package} is missing)"));

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var cancel = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{script} did not finish within {timeout.TotalSeconds} s. stderr:\n{await stderr}\nstdout:\n{await stdout}");
            }
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}. stderr:\n{await stderr}\nstdout:\n{output}");
        return output;
    }

    private static string Missing(string what) =>
        Environment.GetEnvironmentVariable("CI") is "true" or "1"
            ? $"{what}; CI=true, and the protocol tests need node and `npm ci --prefix tests/js`."
            : $"{what}; run ./test.sh, which installs them (or `npm ci --prefix tests/js` with node 20 or later).";

    private static string? FindOnPath(string program)
    {
        var names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd"] : new[] { program };
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
