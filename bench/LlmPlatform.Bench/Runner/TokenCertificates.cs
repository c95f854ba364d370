using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// The certificates a run's app signs and encrypts its access tokens with. Outside Development the app refuses to
/// start without them (<c>Auth:SigningCertificate</c>, <c>Auth:EncryptionCertificate</c>), and the benchmarks run it in
/// Production; so each run makes a fresh self-signed pair in its work directory: RSA 2048, the key size OpenIddict's own
/// development and ephemeral keys have, so a token costs what it costs in production.
/// </summary>
public static class TokenCertificates
{
    public const string SigningFile = "token-signing.pfx";
    public const string EncryptionFile = "token-encryption.pfx";

    /// <summary>Not a secret: the files live and die with the run's work directory.</summary>
    public const string Password = "bench";

    /// <summary>Writes both certificates into <paramref name="directory"/>.</summary>
    public static void Create(DirectoryInfo directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Write(Path.Combine(directory.FullName, SigningFile), "CN=LlmPlatform bench token signing", X509KeyUsageFlags.DigitalSignature);
        Write(Path.Combine(directory.FullName, EncryptionFile), "CN=LlmPlatform bench token encryption", X509KeyUsageFlags.KeyEncipherment);
    }

    /// <summary>The app's settings that name the certificates in <paramref name="directory"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(string directory) =>
    [
        new("Auth__SigningCertificate__Path", Path.Combine(directory, SigningFile)),
        new("Auth__SigningCertificate__Password", Password),
        new("Auth__EncryptionCertificate__Path", Path.Combine(directory, EncryptionFile)),
        new("Auth__EncryptionCertificate__Password", Password),
    ];

    private static void Write(string path, string subject, X509KeyUsageFlags usage)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // OpenIddict checks the key usage: signing needs DigitalSignature, encryption KeyEncipherment.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
    }
}
