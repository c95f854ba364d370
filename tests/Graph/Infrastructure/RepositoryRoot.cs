namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the directory holding LlmPlatform.sln, above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LlmPlatform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("LlmPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
