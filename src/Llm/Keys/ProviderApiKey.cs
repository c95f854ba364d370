using System.Security.Cryptography;
using System.Text;

namespace LlmPlatform.Llm.Keys;

/// <summary>
/// A user's key in clear, read for one generation. It prints as its fingerprint only, so no log line, interpolated
/// message or debugger display can show it by accident.
/// </summary>
public sealed class ProviderApiKey
{
    // Fingerprints only tell keys apart inside this process (cache entries): a random secret per process keeps
    // them from being matched against a guessed key anywhere else.
    private static readonly byte[] FingerprintSecret = RandomNumberGenerator.GetBytes(32);

    public ProviderApiKey(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        Fingerprint = FingerprintOf(value);
    }

    /// <summary>Tells one secret from another within this process without showing it (also the server's keys, for their breakers).</summary>
    public static string FingerprintOf(string value) =>
        Convert.ToHexString(HMACSHA256.HashData(FingerprintSecret, Encoding.UTF8.GetBytes(value)));

    /// <summary>The key, for the provider's Authorization header and nothing else.</summary>
    public string Value { get; }

    /// <summary>Tells this key from another without showing either.</summary>
    public string Fingerprint { get; }

    public override string ToString() => $"ProviderApiKey({Fingerprint[..8]})";
}
