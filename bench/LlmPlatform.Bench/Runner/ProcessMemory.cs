using System.Globalization;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// A process's memory as the kernel sees it (<c>/proc/PID/status</c> and <c>/proc/PID/smaps</c>), in bytes; null
/// where there is no procfs. <see cref="GcHeapResident"/> is the resident part of the .NET GC's reserved range: the
/// GC reserves one large range of address space up front (256 GB by default with regions) and commits pages in it as
/// the managed heap grows, so the resident pages of that one mapping are the managed heap as the OS holds it
/// (live objects, garbage not yet collected, and free space the GC has not yet given back), without any help from
/// inside the process. <see cref="GcHeapCommitted"/> is the readable and writable part of that range: what the GC has
/// committed, touched or not (a large array that was allocated but never written to counts here, not in RSS).
/// </summary>
public sealed record ProcessMemory(long Rss, long RssAnon, long RssFile, long? GcHeapResident, long? GcHeapCommitted)
{
    /// <summary>Mappings smaller than this cannot be the GC's reserved range.</summary>
    private const long GcReserveAtLeast = 16L << 30;

    /// <summary>Just the resident set size (<c>VmRSS</c>), cheap enough to sample often.</summary>
    public static long? ResidentSetSize(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : Kilobytes(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public static ProcessMemory? Read(int processId)
    {
        try
        {
            long? rss = null, anon = null, file = null;
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    rss = Kilobytes(line);
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                    anon = Kilobytes(line);
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                    file = Kilobytes(line);
            }
            if (rss is null || anon is null || file is null)
                return null;
            var (gcResident, gcCommitted) = GcRange(processId);
            return new ProcessMemory(rss.Value, anon.Value, file.Value, gcResident, gcCommitted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The GC's reserved range: the largest mapping (the reserve's uncommitted rest) and the anonymous mappings
    /// touching it on either side (committing pages changes their protection, which splits the reserve into several
    /// mappings); its resident pages and its committed (read-write) bytes. Null when no mapping is that large.
    /// </summary>
    private static (long? Resident, long? Committed) GcRange(int processId)
    {
        var mappings = new List<Mapping>();
        foreach (var line in File.ReadLines($"/proc/{processId}/smaps"))
        {
            // A mapping's header: "start-end perms offset dev inode [path]"; its fields follow as "Name:   N kB".
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && IsHex(line.AsSpan(0, dash)))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                mappings.Add(new Mapping(
                    long.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    long.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    Anonymous: fields.Length < 6 || string.IsNullOrWhiteSpace(fields[5]),
                    Writable: fields[1].StartsWith("rw", StringComparison.Ordinal)));
            }
            else if (mappings.Count > 0 && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                mappings[^1].Rss = Kilobytes(line);
            }
        }
        if (mappings.Count == 0)
            return (null, null);
        var largest = 0;
        for (var i = 1; i < mappings.Count; i++)
        {
            if (mappings[i].Size > mappings[largest].Size)
                largest = i;
        }
        if (mappings[largest].Size < GcReserveAtLeast)
            return (null, null);
        var first = largest;
        while (first > 0 && mappings[first - 1].Anonymous && mappings[first - 1].End == mappings[first].Start)
            first--;
        var last = largest;
        while (last < mappings.Count - 1 && mappings[last + 1].Anonymous && mappings[last + 1].Start == mappings[last].End)
            last++;
        var range = mappings.Skip(first).Take(last - first + 1).ToList();
        return (range.Sum(m => m.Rss), range.Where(m => m.Writable).Sum(m => m.Size));
    }

    private sealed record Mapping(long Start, long End, bool Anonymous, bool Writable)
    {
        public long Size => End - Start;

        public long Rss { get; set; }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return text.Length > 0;
    }

    private static long Kilobytes(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * 1024;
    }
}
