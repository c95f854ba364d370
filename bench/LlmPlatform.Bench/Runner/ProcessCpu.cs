using System.Globalization;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// The CPU time a process has used so far (user + system), from <c>/proc/PID/stat</c>; null where there is no
/// procfs. A server's CPU time per request does not depend on how long it waited for a core, so on a shared
/// machine it is steadier than requests/s.
/// </summary>
public static class ProcessCpu
{
    /// <summary>Linux reports these times in USER_HZ ticks, 100 per second on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The name .NET gives its tiered-compilation background thread, as procfs shows it (15 characters).</summary>
    private const string TieringThread = ".NET Tiered Com";

    public static TimeSpan? Used(int processId) =>
        Ticks($"/proc/{processId}/stat") is { } ticks ? TimeSpan.FromSeconds(ticks / TicksPerSecond) : null;

    /// <summary>
    /// The runtime's tiered-compilation threads with their CPU ticks, to tell whether the JIT is still optimizing:
    /// two equal snapshots mean it did no measurable work in between. Null where there is no procfs.
    /// </summary>
    public static string? JitSnapshot(int processId)
    {
        try
        {
            var threads = new List<string>();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(TieringThread, StringComparison.Ordinal))
                    threads.Add($"{Path.GetFileName(task)}:{Ticks(Path.Combine(task, "stat"))}");
            }
            threads.Sort(StringComparer.Ordinal);
            return string.Join(',', threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of a <c>stat</c> file, in ticks.</summary>
    private static long? Ticks(string statFile)
    {
        try
        {
            var stat = File.ReadAllText(statFile);
            // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture)   // field 14, utime
                + long.Parse(fields[12], CultureInfo.InvariantCulture);   // field 15, stime
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
