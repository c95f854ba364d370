namespace LlmPlatform.Llm.Keys;

/// <summary>What a user may know of their key for a provider: whether one is set, its last four characters, when it changed.</summary>
public sealed record ProviderKeyStatus(string Provider, bool IsSet, string? LastFour, DateTime? UpdatedAt)
{
    public static ProviderKeyStatus Unset(string provider) => new(provider, false, null, null);
}

/// <summary>Why a key was refused; nothing was written. The message never quotes the key.</summary>
public sealed record ProviderKeyError(string Code, string Message, string Field);

/// <summary>The codes a <see cref="ProviderKeyError"/> carries.</summary>
public static class ProviderKeyErrorCodes
{
    public const string Required = "REQUIRED";
    public const string TooLong = "TOO_LONG";
    public const string Invalid = "INVALID";
    public const string UnknownProvider = "UNKNOWN_PROVIDER";

    /// <summary>The provider exists but authenticates with no key (echo, ollama).</summary>
    public const string KeyNotAccepted = "KEY_NOT_ACCEPTED";
}

/// <summary>The outcome of setting or removing a key: the status afterwards, or why nothing changed.</summary>
/// <param name="Changed">For a removal: false when there was no key to remove.</param>
public sealed record ProviderKeyChange(ProviderKeyStatus? Status, bool Changed, IReadOnlyList<ProviderKeyError> Errors)
{
    public static ProviderKeyChange Refused(params ProviderKeyError[] errors) => new(null, false, errors);
}

/// <summary>
/// A stored key that can no longer be read: the Data Protection key ring that protected it is gone or was never
/// shared with this instance. Says which provider, never anything of the key.
/// </summary>
public sealed class ProviderKeyUnreadableException(string provider, Exception innerException)
    : Exception($"The stored key for provider {provider} cannot be unprotected with this instance's key ring.", innerException)
{
    public string Provider { get; } = provider;
}
