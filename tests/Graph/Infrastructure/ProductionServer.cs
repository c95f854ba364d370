using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>Self-signed PKCS#12 certificates, which a server outside Development needs to sign and encrypt tokens.</summary>
public static class TestCertificates
{
    public const string Password = "test";

    /// <summary>Writes a signing and an encryption certificate into <paramref name="directory"/> and points the Auth settings at them.</summary>
    public static void Apply(Action<string, string?> set, string directory)
    {
        ArgumentNullException.ThrowIfNull(set);
        set("Auth:SigningCertificate:Path", Write(directory, "signing.pfx", X509KeyUsageFlags.DigitalSignature));
        set("Auth:SigningCertificate:Password", Password);
        set("Auth:EncryptionCertificate:Path", Write(directory, "encryption.pfx", X509KeyUsageFlags.KeyEncipherment));
        set("Auth:EncryptionCertificate:Password", Password);
    }

    public static string Write(string directory, string name, X509KeyUsageFlags usage)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=LlmPlatform test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}

/// <summary>
/// A streaming server in the Production environment, with the certificates it needs, over plain HTTP on loopback;
/// for settings whose default depends on the environment. It still acts as the local user without a token.
/// </summary>
public class ProductionServer : StreamingServer, IAsyncLifetime
{
    private readonly string _certificates = Directory.CreateTempSubdirectory("llmplatform-certs").FullName;

    public ProductionServer()
    {
        Set("Auth:RequireHttps", "false");
        TestCertificates.Apply(Set, _certificates);
    }

    protected override string Environment => "Production";

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_certificates, recursive: true);
    }
}
