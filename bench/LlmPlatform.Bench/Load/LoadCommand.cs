using System.Text.Json;
using LlmPlatform.Bench.Cli;

namespace LlmPlatform.Bench.Load;

/// <summary>
/// <c>load</c>: drives one URL, or several in alternating slices, at a fixed concurrency and prints a
/// <see cref="LoadResult"/> as one line of JSON. Exit code 2 when any request failed.
/// </summary>
public static class LoadCommand
{
    public const string DefaultAccept = "application/graphql-response+json, application/json;q=0.9";

    /// <summary>With several targets, the start of each slice that is not measured.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromMilliseconds(100);

    /// <summary>The <c>--authorization</c> value of a URL whose requests carry no Authorization header.</summary>
    public const string NoAuthorization = "none";

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var urls = arguments.All("url").Select(u => new Uri(u)).ToList();
        if (urls.Count == 0)
            throw new UsageException("--url is required");
        var duration = arguments.Duration("duration", TimeSpan.FromSeconds(10));
        // One Authorization header per URL, in the same order ("none" sends none), so that one server can be loaded
        // with and without a token in alternating slices.
        var authorizations = arguments.All("authorization").Select(a => a == NoAuthorization ? null : a).ToList();
        if (authorizations.Count != 0 && authorizations.Count != urls.Count)
            throw new UsageException("--authorization must be given once per --url, or not at all");
        // One body for every URL, or one per URL in the same order (a query against a mutation on one server).
        var bodies = arguments.All("body").ToList();
        if (bodies.Count != 1 && bodies.Count != urls.Count)
            throw new UsageException("--body must be given once, or once per --url");
        var options = new LoadOptions(
            urls,
            authorizations.Count == 0 ? [.. urls.Select(_ => (string?)null)] : authorizations,
            bodies.Count == 1 ? [.. urls.Select(_ => bodies[0])] : bodies,
            arguments.Optional("accept") ?? DefaultAccept,
            arguments.Int("concurrency", 32),
            arguments.Duration("warmup", TimeSpan.FromSeconds(3)),
            duration,
            // One URL: one slice, the whole duration. Several: short slices, so that they share the machine's moods.
            urls.Count == 1 ? duration : arguments.Duration("slice", TimeSpan.FromSeconds(1)),
            urls.Count == 1 ? TimeSpan.Zero : arguments.Duration("settle", DefaultSettle));
        arguments.ThrowIfUnread();
        if (options.Settle >= options.Slice)
            throw new UsageException("--settle must be shorter than --slice");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var result = await LoadGenerator.RunAsync(options, stop.Token);
        Console.WriteLine(JsonSerializer.Serialize(result, LoadJsonContext.Default.LoadResult));
        foreach (var target in result.Targets.Where(t => t.Errors + t.WarmupErrors > 0))
            await Console.Error.WriteLineAsync($"{target.Url}: {target.Errors} error(s), {target.WarmupErrors} outside measured time; first: {target.FirstError}");
        return result.IsValid ? 0 : 2;
    }
}
