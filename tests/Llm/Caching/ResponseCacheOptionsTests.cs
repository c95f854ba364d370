using LlmPlatform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Tests.Caching;

/// <summary>Cache and response-format settings that must stop the server from starting.</summary>
public sealed class ResponseCacheOptionsTests
{
    [Fact]
    public async Task Start_MaxEntryBytesAboveMaxBytes_Fails()
    {
        var failure = await StartFailureAsync(new("Llm:Cache:MaxBytes", "2048"), new("Llm:Cache:MaxEntryBytes", "4096"));

        Assert.Contains("Llm:Cache:MaxEntryBytes must be at most Llm:Cache:MaxBytes", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ZeroTtl_Fails()
    {
        var failure = await StartFailureAsync(new KeyValuePair<string, string?>("Llm:Cache:Ttl", "00:00:00"));

        Assert.Contains("Ttl", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ModelDeclaringAFormatItsKindCannotSend_Fails()
    {
        var failure = await StartFailureAsync(
            new("Llm:Providers:e:Kind", "echo"),
            new("Llm:Providers:e:Models:m:ResponseFormats:0", "JsonObject"));

        Assert.Contains("Llm:Providers:e:Models:m:ResponseFormats lists JsonObject", failure, StringComparison.Ordinal);
    }

    private static async Task<string> StartFailureAsync(params KeyValuePair<string, string?>[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([.. settings, new("ConnectionStrings:Sqlite", "Data Source=:memory:"), new("Data:MigrateOnStartup", "false")]);
        builder.AddData();
        builder.AddLlm();
        using var host = builder.Build();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.True(failure is OptionsValidationException, failure.ToString());
        return failure.Message;
    }
}
