namespace LlmPlatform.Bench.Runner;

/// <summary>Where things are: the repository, the built GraphQL app, and how to start this program again.</summary>
public static class Paths
{
    public const string Configuration = "Release";

    /// <summary>The directory holding LlmPlatform.sln, found upwards from this program's binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string GraphAppDirectory => Path.Combine(RepositoryRoot, "src", "Graph", "bin", Configuration, "net10.0");

    public static string GraphAppDll => Path.Combine(GraphAppDirectory, "LlmPlatform.Graph.dll");

    public static string ResultsDirectory => Path.Combine(RepositoryRoot, "bench", "results");

    /// <summary>The <c>dotnet</c> host: the one running us when started as <c>dotnet x.dll</c>, else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : IsDotnetHost(Environment.ProcessPath) ? Environment.ProcessPath!
        : "dotnet";

    /// <summary>The command that starts this program, to which a subcommand and its options are appended.</summary>
    public static IReadOnlyList<string> Self =>
        IsDotnetHost(Environment.ProcessPath)
            ? [Environment.ProcessPath!, typeof(Paths).Assembly.Location]
            : [Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.")];

    private static bool IsDotnetHost(string? path) =>
        path is not null && string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmPlatform.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No LlmPlatform.sln above {AppContext.BaseDirectory}: run the bench from its build output in the repository.");
    }
}
