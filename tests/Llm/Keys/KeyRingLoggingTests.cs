using LlmPlatform.Llm.Tests.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Tests.Keys;

/// <summary>With logging at Trace for everything, the key ring's XML (its master keys) still stays out of the logs.</summary>
public sealed class KeyRingLoggingTests(KeyRingLoggingTests.VerboseHost host) : IClassFixture<KeyRingLoggingTests.VerboseHost>
{
    public sealed class VerboseHost : LlmHost
    {
        public CapturedLogs Logs { get; } = new();

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. base.Settings, new("Logging:LogLevel:Default", "Trace")];

        protected override void ConfigureHost(HostApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
    }

    [Fact]
    public void KeyRing_CreatedAndReadAtStartUp_IsNeverLoggedWithItsMasterKey()
    {
        var logs = host.Logs.Text;

        // The ring's first key was made (35: stored without an XML encryptor) and read back, all logged at Trace.
        Assert.Contains("DataProtection.KeyManagement.XmlKeyManager[35]", logs, StringComparison.Ordinal);
        Assert.Contains("DataProtection.KeyManagement.KeyRingProvider", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", logs, StringComparison.OrdinalIgnoreCase);
    }
}
