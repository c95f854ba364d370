using System.Data.Common;
using LlmPlatform.Data;

namespace LlmPlatform.Graph.Commands;

/// <summary>
/// <c>dotnet LlmPlatform.Graph.dll migrate</c>: applies pending migrations to the configured database and exits, 0 when
/// the database is up to date, 1 with the reason on standard error when it could not be brought there. Deployments run
/// it once before starting their instances, instead of every instance migrating as it starts.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static bool IsRequested(string[] args) => args is [Name, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // The app's configuration sources (appsettings, environment, the arguments after the command), and only the
        // data services: migrating needs no certificates, providers or keys.
        var builder = WebApplication.CreateBuilder(args[1..]);
        builder.AddData();
        await using var app = builder.Build();
        try
        {
            var applied = await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            await Console.Out.WriteLineAsync($"migrate: {applied} migration(s) applied; the database is up to date.");
            return 0;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"migrate failed: {e.Message}");
            return 1;
        }
    }
}
