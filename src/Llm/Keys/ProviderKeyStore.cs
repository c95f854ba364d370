using System.Security.Cryptography;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Providers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Keys;

/// <summary>
/// Users' own provider keys, protected with ASP.NET Data Protection (its key ring is in the database, so every
/// instance reads what any instance wrote). A key goes in through <see cref="SetAsync"/> and comes out in clear only
/// through <see cref="FindKeyAsync"/>, for a generation; everything else sees its status.
/// </summary>
public sealed partial class ProviderKeyStore(
    IDbContextFactory<PlatformDbContext> contexts,
    ProviderRegistry providers,
    IDataProtectionProvider protection,
    IOptions<ProviderKeyOptions> options,
    TimeProvider clock,
    ILogger<ProviderKeyStore> logger)
{
    /// <summary>The Data Protection purpose of provider keys: no other protector can read them, nor this one anything else.</summary>
    public const string Purpose = "LlmPlatform.ProviderKeys.v1";

    /// <summary>Checks and stores <paramref name="apiKey"/> (trimmed) as the user's key for a provider, replacing any earlier one.</summary>
    public async Task<ProviderKeyChange> SetAsync(Guid userId, string? provider, string? apiKey, CancellationToken cancellationToken)
    {
        var (chatProvider, providerError) = FindProvider(provider);
        var key = apiKey?.Trim() ?? "";
        var keyError = Check(key);
        if (providerError is not null || keyError is not null)
            return ProviderKeyChange.Refused([.. new[] { providerError, keyError }.OfType<ProviderKeyError>()]);

        var name = chatProvider!.Name;
        var protectedKey = Protector(userId, name).Protect(key);
        var lastFour = key[^ProviderKey.LastFourLength..];
        // PostgreSQL keeps microseconds: report the time a later read returns, not ticks it would drop.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var row = await db.ProviderKeys.FirstOrDefaultAsync(k => k.UserId == userId && k.Provider == name, cancellationToken);
            if (row is null)
            {
                row = new ProviderKey { Id = Guid.CreateVersion7(), UserId = userId, Provider = name };
                db.ProviderKeys.Add(row);
            }
            row.ProtectedKey = protectedKey;
            row.LastFour = lastFour;
            row.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.KeySet(logger, userId, name);
                return new ProviderKeyChange(Status(row), true, []);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // Another request stored this user's first key for the provider meanwhile (the unique index
                // refused ours): go again, and replace theirs.
            }
        }
    }

    /// <summary>
    /// Deletes the user's key for a provider. A key for a provider no longer configured can still be removed;
    /// a name that is neither configured nor has a key is refused, as a likely typo.
    /// </summary>
    public async Task<ProviderKeyChange> RemoveAsync(Guid userId, string? provider, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(provider))
            return ProviderKeyChange.Refused(new ProviderKeyError(ProviderKeyErrorCodes.Required, "Provider is required.", "provider"));
        var configured = providers.Find(provider);
        var name = configured?.Name ?? provider;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var removed = await db.ProviderKeys.Where(k => k.UserId == userId && k.Provider == name).ExecuteDeleteAsync(cancellationToken) > 0;
        if (removed)
            Log.KeyRemoved(logger, userId, name);
        else if (configured is null)
            return ProviderKeyChange.Refused(UnknownProvider());
        return new ProviderKeyChange(ProviderKeyStatus.Unset(name), removed, []);
    }

    /// <summary>The user's key status for each of <paramref name="providerNames"/>, by name (configured names compare exactly).</summary>
    public async Task<IReadOnlyDictionary<string, ProviderKeyStatus>> GetStatusesAsync(
        Guid userId, IReadOnlyCollection<string> providerNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerNames);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ProviderKeys.AsNoTracking()
            .Where(k => k.UserId == userId && providerNames.Contains(k.Provider))
            .ToDictionaryAsync(k => k.Provider, Status, StringComparer.Ordinal, cancellationToken);
        return providerNames.Distinct(StringComparer.Ordinal)
            .ToDictionary(p => p, p => stored.GetValueOrDefault(p) ?? ProviderKeyStatus.Unset(p), StringComparer.Ordinal);
    }

    /// <summary>The user's key for a provider in clear, or null when they have none.</summary>
    /// <exception cref="ProviderKeyUnreadableException">The key is stored but this instance's key ring cannot unprotect it.</exception>
    public async Task<ProviderApiKey?> FindKeyAsync(Guid userId, ChatProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var protectedKey = await db.ProviderKeys.AsNoTracking()
            .Where(k => k.UserId == userId && k.Provider == provider.Name)
            .Select(k => k.ProtectedKey)
            .FirstOrDefaultAsync(cancellationToken);
        if (protectedKey is null)
            return null;
        try
        {
            return new ProviderApiKey(Protector(userId, provider.Name).Unprotect(protectedKey));
        }
        catch (CryptographicException e)
        {
            // Data Protection's messages name the ring's key id, never the payload's clear text.
            Log.KeyUnreadable(logger, e, userId, provider.Name);
            throw new ProviderKeyUnreadableException(provider.Name, e);
        }
    }

    // Bound to the user and the provider: a protected key copied to another row does not unprotect there.
    private IDataProtector Protector(Guid userId, string provider) =>
        protection.CreateProtector(Purpose, userId.ToString("N"), provider);

    private (ChatProvider? Provider, ProviderKeyError? Error) FindProvider(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return (null, new ProviderKeyError(ProviderKeyErrorCodes.Required, "Provider is required.", "provider"));
        var provider = providers.Find(name);
        if (provider is null)
            return (null, UnknownProvider());
        if (!provider.AcceptsUserKeys)
            return (null, new ProviderKeyError(ProviderKeyErrorCodes.KeyNotAccepted,
                $"Provider \"{provider.Name}\" ({ProviderKindConverter.Spell(provider.Kind)}) takes no API key.", "provider"));
        return (provider, null);
    }

    private ProviderKeyError? Check(string key)
    {
        var limits = options.Value;
        if (key.Length == 0)
            return new(ProviderKeyErrorCodes.Required, "ApiKey is required.", "apiKey");
        if (key.Length > limits.MaxKeyLength)
            return new(ProviderKeyErrorCodes.TooLong, $"ApiKey must be at most {limits.MaxKeyLength} characters.", "apiKey");
        if (key.Length < limits.MinKeyLength)
            return new(ProviderKeyErrorCodes.Invalid, $"ApiKey must be at least {limits.MinKeyLength} characters.", "apiKey");
        // Keys travel in an HTTP header: anything but visible ASCII is a paste gone wrong (or a header injection).
        if (!key.All(c => c is > ' ' and <= '~'))
            return new(ProviderKeyErrorCodes.Invalid, "ApiKey may contain only visible ASCII characters: no spaces, line breaks or control characters.", "apiKey");
        return null;
    }

    // The message does not repeat the name: a key pasted into the wrong field must not come back in a response.
    private static ProviderKeyError UnknownProvider() =>
        new(ProviderKeyErrorCodes.UnknownProvider, "No provider has this name.", "provider");

    private static ProviderKeyStatus Status(ProviderKey row) => new(row.Provider, true, row.LastFour, row.UpdatedAt);
}
