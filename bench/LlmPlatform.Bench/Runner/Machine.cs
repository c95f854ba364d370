using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LlmPlatform.Bench.Runner;

/// <summary>What a result depends on besides the code: the machine, the runtime, the commit.</summary>
public sealed record Machine(
    string Cpu,
    int Cores,
    string Memory,
    string OperatingSystem,
    string Runtime,
    string Sdk,
    string Commit,
    bool Dirty,
    string DirtyPaths,
    string LoadAverage)
{
    public static async Task<Machine> DescribeAsync(CancellationToken cancellationToken)
    {
        var status = await RunAsync("git", ["-C", Paths.RepositoryRoot, "status", "--porcelain"], cancellationToken);
        var dirty = status.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Machine(
            Cpu: ProcValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Cores: Environment.ProcessorCount,
            Memory: MemoryTotal(),
            OperatingSystem: $"{OsRelease() ?? RuntimeInformation.OSDescription}, kernel {Environment.OSVersion.Version}",
            Runtime: RuntimeInformation.FrameworkDescription,
            Sdk: (await RunAsync(Paths.DotnetHost, ["--version"], cancellationToken)).Trim(),
            Commit: (await RunAsync("git", ["-C", Paths.RepositoryRoot, "rev-parse", "HEAD"], cancellationToken)).Trim(),
            Dirty: dirty.Length > 0,
            DirtyPaths: string.Join(", ", dirty.Take(12)) + (dirty.Length > 12 ? $", … ({dirty.Length} in all)" : ""),
            LoadAverage: CurrentLoadAverage());
    }

    /// <summary>/proc/loadavg's 1, 5 and 15 minute figures: how busy the shared machine was.</summary>
    public static string CurrentLoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string MemoryTotal()
    {
        var kb = ProcValue("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kb is not null && long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? $"{value / 1024.0 / 1024.0:0.0} GiB"
            : "unknown";
    }

    private static string? OsRelease() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;

    private static string? ProcValue(string file, string key)
    {
        if (!File.Exists(file))
            return null;
        foreach (var line in File.ReadLines(file))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
                return line[(colon + 1)..].Trim();
        }
        return null;
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
