using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.Load;

/// <summary>One URL the load generator drives, and the Authorization header its requests carry (none when null).</summary>
/// <param name="Body">The JSON body this target's requests POST, instead of the run's.</param>
public sealed record LoadTarget(Uri Url, string? Authorization = null, string? Body = null);

/// <summary>
/// Runs the <c>load</c> command as its own process (on <c>cpus</c>) over some targets in alternating slices and reads
/// its result; a run in which any request failed is a <see cref="BenchmarkFailedException"/>. <c>exited</c> runs as soon
/// as the load process has ended, before its result is read: the moment to read the servers' CPU time, and to fail on a
/// server that exited (the clearer reason for the requests that failed).
/// </summary>
public static class LoadProcess
{
    public static async Task<LoadResult> RunAsync(
        IReadOnlyList<LoadTarget> targets, string body, int concurrency, TimeSpan warmup, TimeSpan duration, TimeSpan slice, string? cpus,
        Action exited, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(exited);
        List<string> command =
        [
            .. Paths.Self, "load",
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--warmup", Arguments.FormatDuration(warmup),
            "--duration", Arguments.FormatDuration(duration),
            "--slice", Arguments.FormatDuration(slice),
        ];
        foreach (var target in targets)
            command.AddRange(["--url", target.Url.ToString()]);
        if (targets.Any(t => t.Body is not null))
        {
            foreach (var target in targets)
                command.AddRange(["--body", target.Body ?? body]);
        }
        else
        {
            command.AddRange(["--body", body]);
        }
        if (targets.Any(t => t.Authorization is not null))
        {
            foreach (var target in targets)
                command.AddRange(["--authorization", target.Authorization ?? LoadCommand.NoAuthorization]);
        }

        using var load = ChildProcess.Start("load", command, cpus);
        await load.WaitForExitAsync(warmup + (duration * targets.Count) + TimeSpan.FromMinutes(1), cancellationToken);
        exited();
        var json = load.LastJsonLine();
        var result = json is null ? null : JsonSerializer.Deserialize(json, LoadJsonContext.Default.LoadResult);
        if (result is null)
            throw new BenchmarkFailedException($"the load generator printed no result.\n{load.Output()}");
        if (!result.IsValid)
        {
            throw new BenchmarkFailedException(string.Join("; ", result.Targets.Select(t =>
                $"{t.Url}: {t.Errors} error(s) in measured time, {t.WarmupErrors} outside it; first: {t.FirstError}")));
        }
        return result;
    }
}
