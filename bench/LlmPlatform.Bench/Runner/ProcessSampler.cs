using System.Diagnostics;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// Samples a process's CPU time and resident memory from /proc at a fixed interval until disposed, so that a
/// benchmark can tell what a server used during a window it learns only afterwards (e.g. from the load process).
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private readonly int _processId;
    private readonly TimeSpan _interval;
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public ProcessSampler(int processId, TimeSpan interval)
    {
        _processId = processId;
        _interval = interval;
        Take();
        _sampling = RunAsync();
    }

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples)
                return [.. _samples];
        }
    }

    /// <summary>CPU time used between two moments, interpolated between the samples around them; null without procfs.</summary>
    public TimeSpan? CpuBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var samples = Samples.Where(s => s.Cpu is not null).ToList();
        return samples.Count < 2 ? null : CpuAt(samples, to) - CpuAt(samples, from);
    }

    /// <summary>
    /// The same between two <see cref="Stopwatch"/> timestamps, the monotonic clock another process (the load
    /// generator) can name moments in.
    /// </summary>
    public TimeSpan? CpuBetween(long from, long to)
    {
        var samples = Samples.Where(s => s.Cpu is not null).ToList();
        return samples.Count < 2 ? null : CpuAt(samples, to) - CpuAt(samples, from);
    }

    /// <summary>The largest resident set seen between two moments (the samples just outside them included).</summary>
    public long? PeakRssBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var samples = Samples.Where(s => s.Rss is not null).ToList();
        var inside = samples.Where(s => s.At >= from - _interval && s.At <= to + _interval).ToList();
        return inside.Count == 0 ? null : inside.Max(s => s.Rss);
    }

    private static TimeSpan CpuAt(List<Sample> samples, DateTimeOffset at)
    {
        var after = samples.FindIndex(s => s.At >= at);
        if (after <= 0)
            return after == 0 ? samples[0].Cpu!.Value : samples[^1].Cpu!.Value;
        var (a, b) = (samples[after - 1], samples[after]);
        var share = (at - a.At) / (b.At - a.At);
        return a.Cpu!.Value + ((b.Cpu!.Value - a.Cpu!.Value) * share);
    }

    private static TimeSpan CpuAt(List<Sample> samples, long at)
    {
        var after = samples.FindIndex(s => s.Timestamp >= at);
        if (after <= 0)
            return after == 0 ? samples[0].Cpu!.Value : samples[^1].Cpu!.Value;
        var (a, b) = (samples[after - 1], samples[after]);
        var share = (at - a.Timestamp) / (double)(b.Timestamp - a.Timestamp);
        return a.Cpu!.Value + ((b.Cpu!.Value - a.Cpu!.Value) * share);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                Take();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Take()
    {
        var sample = new Sample(DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), ProcessCpu.Used(_processId), ProcessMemory.ResidentSetSize(_processId));
        lock (_samples)
            _samples.Add(sample);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Take();
        _stop.Dispose();
    }

    /// <param name="Timestamp">When, as a <see cref="Stopwatch"/> timestamp.</param>
    public sealed record Sample(DateTimeOffset At, long Timestamp, TimeSpan? Cpu, long? Rss);
}
