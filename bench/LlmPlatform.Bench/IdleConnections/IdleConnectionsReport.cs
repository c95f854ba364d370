using System.Globalization;
using System.Text;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;
using static LlmPlatform.Bench.IdleConnections.IdleConnectionsBenchmark;

namespace LlmPlatform.Bench.IdleConnections;

/// <summary>Renders a run as the Markdown of <c>bench/results/idle-connections.md</c>.</summary>
public static class IdleConnectionsReport
{
    public static string Render(Report run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var watch = run.Scenarios.Single(x => x.Kind == ScenarioKind.Watch);
        var generate = run.Scenarios.Single(x => x.Kind == ScenarioKind.Generate);
        var baseline = run.Scenarios.Single(x => x.Kind == ScenarioKind.Baseline);
        static Measure Rss(Step step) => step.Rss;
        static Measure GcResident(Step step) => step.GcResident;
        static Measure GcCommitted(Step step) => step.GcCommitted;
        static Measure NonGc(Step step) => step.NonGc;

        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Idle connections: server memory per idle subscribed WebSocket, at {s.Connections:N0} connections")).AppendLine();
        md.AppendLine(Invariant($"**An idle graphql-transport-ws connection with one live subscription costs the server {Kib(watch.PerConnection(Rss))} of RSS** ")
            + Invariant($"(± {Kib(watch.ErrorMargin(Rss))}; watchers of one shared slow generation, {s.Connections:N0} connections; target < {TargetBytes / 1024} KiB: **{Verdict(watch.PerConnection(Rss))}**). ")
            + Invariant($"With a `generate` subscription, which also keeps its own generation running, it costs {Kib(generate.PerConnection(Rss))} of RSS (**{Verdict(generate.PerConnection(Rss))}**) ")
            + Invariant($"and {Kib(generate.PerConnection(GcCommitted))} of committed GC heap. The bare WebSocket baseline holding the same sockets (same 4 KB receive buffer) costs {Kib(baseline.PerConnection(Rss))}: ")
            + Invariant($"the app's own share of a watcher is about {Kib(watch.PerConnection(Rss) - baseline.PerConnection(Rss))}, {Kib(watch.PerConnection(GcResident) - baseline.PerConnection(GcResident))} of it managed."));
        md.AppendLine();
        md.AppendLine("| per connection, from 0 to full (± error margin) | bare WebSocket (baseline) | GraphQL `generation(id:)` watcher | GraphQL `generate` (own generation) |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "**RSS**", baseline, watch, generate, Rss);
        Row(md, "GC heap, resident", baseline, watch, generate, GcResident);
        Row(md, "GC heap, committed", baseline, watch, generate, GcCommitted);
        Row(md, "RSS outside the GC heap (native: Kestrel, sockets, runtime)", baseline, watch, generate, NonGc);
        md.AppendLine(Invariant($"| RSS linearity: first half / second half | {Halves(baseline, Rss)} | {Halves(watch, Rss)} | {Halves(generate, Rss)} |"));
        md.AppendLine(Invariant($"| server CPU while {s.Connections:N0} connections idle (share of one core; JIT) | {Cpu(baseline)} | {Cpu(watch)} | {Cpu(generate)} |"));
        md.AppendLine(Invariant($"| events received while idle (should be 0); connections closed by the server | {baseline.LaterEvents}; {baseline.ClosedByServer} | {watch.LaterEvents}; {watch.ClosedByServer} | {generate.LaterEvents}; {generate.ClosedByServer} |"));
        md.AppendLine();

        md.AppendLine("## Steps").AppendLine();
        md.AppendLine(Invariant($"Each step: open the connections, wait {Cli.Arguments.FormatDuration(s.Settle)} (the server's CPU time measured over its second half, with whether the JIT worked meanwhile), then {s.Readings} readings one second apart, each right after a full GC induced from outside. Medians of the readings, with their spread (max − min)."));
        md.AppendLine();
        md.AppendLine("| scenario | connections | RSS MiB (spread) | GC heap resident MiB (spread) | GC heap committed MiB | outside GC heap MiB | CPU while idle | JIT | GC induced |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var scenario in run.Scenarios)
        {
            foreach (var step in scenario.Steps)
            {
                md.AppendLine(Invariant($"| {Label(scenario.Kind)} | {step.Connections:N0} | {Mib(step.Rss.Median)} ({Mib(step.Rss.Spread)}) | {Mib(step.GcResident.Median)} ({Mib(step.GcResident.Spread)}) | ")
                    + Invariant($"{Mib(step.GcCommitted.Median)} | {Mib(step.NonGc.Median)} | {step.CpuShare:P1} | {(step.JitQuiet ? "quiet" : "busy")} | {(step.GcInduced ? "yes" : "**no**")} |"));
            }
        }
        md.AppendLine();

        md.AppendLine("## Method and error margin").AppendLine();
        md.AppendLine("- **What is measured**: the server process's memory as the kernel sees it, from `/proc/PID/status` (`VmRSS`) and `/proc/PID/smaps`; nothing in the app is asked. "
            + "The per-connection figure is (memory at full − memory at 0) ÷ connections; the figure at half checks that growth is linear (the two halves' slopes should agree), "
            + "so a constant cost that arrives with the first connections (a pool, a JIT'd method, a timer thread) does not pass for a per-connection one.");
        md.AppendLine("- **A full GC before every reading**, induced from outside: the bench opens an EventPipe session on the runtime's diagnostic port (the Unix socket every .NET process listens on) "
            + "with the runtime provider's `GCHeapCollect` keyword, which makes the runtime run a full blocking collection (what `dotnet-gcdump` uses), then closes the session. "
            + "Without it, RSS depends on when the last GC happened: garbage from opening 500 connections could be counted as their cost, or not, by chance.");
        md.AppendLine("- **GC heap** figures come from `/proc/PID/smaps`: the .NET GC reserves one large range of address space up front and commits pages inside it as the managed heap grows. "
            + "*Resident* is the RSS of that range (live objects and free space the GC keeps); *committed* is its read-write part, touched or not: an array allocated but never written to "
            + "(a large buffer allocated up front) is committed memory that RSS does not show, but that counts against a container's memory limit and the GC's own budgets. "
            + "*Outside the GC heap* is RSS minus the GC's resident part: native memory (sockets' kernel-side buffers are not in RSS at all), the runtime, code.");
        md.AppendLine(Invariant($"- **Error margin**: each step is {s.Readings} readings; the ± figure is half the sum of the readings' spreads at 0 and at full, divided by the connections. ")
            + "It does not cover what a GC does not give back to the OS at once (freed regions are decommitted gradually), nor allocator caches; the linearity row is the other check: "
            + "halves that differ by more than the margin say the figure is not yet a steady per-connection cost.");
        md.AppendLine("- **Scenarios**, each on a fresh server process, with a warm-up of "
            + Invariant($"{s.WarmupConnections} connections of the same kind opened and closed first (JIT, pools): "));
        md.AppendLine(Invariant($"  - *GraphQL `generation(id:)` watcher*: every connection watches one shared generation started over HTTP (`startGeneration`), its echo provider paced at one token per {TokenDelayText}: ")
            + "after `connection_init`/`connection_ack` and `subscribe`, each receives the `GenerationStarted` event, then nothing. The cost of a connection and a subscription alone.");
        md.AppendLine("  - *GraphQL `generate`*: every connection starts its own generation the same way: the connection, the subscription, and a running generation (its provider call, "
            + "its event log, its cancellation) per connection.");
        md.AppendLine("  - *Bare WebSocket baseline*: the baseline server's `/ws` endpoint, which answers `subscribe` with the start event and then waits: Kestrel's and ASP.NET Core's own cost per WebSocket.");
        md.AppendLine(Invariant($"- **Client**: `LlmPlatform.Bench stream-client idle`, its own process, driven over its standard input (`open 500`, `status`, `close`); it answers the server's protocol pings (every {12} s by default) and counts any other message, which would mean the subscription was not idle."));
        md.AppendLine("- Servers: `ASPNETCORE_ENVIRONMENT=Production`, log level Warning, the runtime's defaults (server GC), Kestrel on 127.0.0.1, "
            + Invariant($"the app's echo provider set with `{string.Join(" ", GenerateStream.EchoSettings(48, TimeSpan.FromMinutes(30)))}`."));
        if (s.Servers.ServerEnvironment.Count > 0)
            md.AppendLine($"- Both servers' settings changed for this run: `{string.Join("`, `", s.Servers.ServerEnvironment)}`.");
        if (s.Servers.GraphQLEnvironment.Count > 0)
            md.AppendLine($"- GraphQL server settings changed for this run: `{string.Join("`, `", s.Servers.GraphQLEnvironment)}`.");
        md.AppendLine(run.ServerCpus is null
            ? "- CPU pinning: none."
            : $"- CPU pinning (`taskset`): the server on CPU {run.ServerCpus}, the client on CPU {run.ClientCpus}.");
        md.AppendLine();
        StreamThroughputReport.AppendMachine(md, run.Machine, run.Finished, run.Command);
        return md.ToString();
    }

    private const string TokenDelayText = "30 minutes";

    private static string Verdict(double bytesPerConnection) => bytesPerConnection < TargetBytes ? "met" : "not met";

    private static string Label(ScenarioKind kind) => kind switch
    {
        ScenarioKind.Watch => "GraphQL `generation(id:)` watcher",
        ScenarioKind.Generate => "GraphQL `generate`",
        _ => "bare WebSocket baseline",
    };

    private static void Row(StringBuilder md, string label, Scenario baseline, Scenario watch, Scenario generate, Func<Step, Measure> measure)
    {
        string Cell(Scenario x) => $"{Kib(x.PerConnection(measure))} ± {Kib(x.ErrorMargin(measure))}";
        md.AppendLine($"| {label} | {Cell(baseline)} | {Cell(watch)} | {Cell(generate)} |");
    }

    private static string Halves(Scenario scenario, Func<Step, Measure> measure)
    {
        var (first, second) = scenario.Halves(measure);
        return $"{Kib(first)} / {Kib(second)}";
    }

    private static string Cpu(Scenario scenario) =>
        (scenario.Steps[^1].CpuShare is { } share ? share.ToString("P1", CultureInfo.InvariantCulture) : "n/a")
        + (scenario.Steps[^1].JitQuiet ? "; quiet" : "; JIT busy");

    private static string Kib(double bytes) => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";
}
