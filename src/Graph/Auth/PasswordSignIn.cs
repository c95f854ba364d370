using LlmPlatform.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Checks an email (or user name) and password the way both sign-in paths do, the password grant and the sign-in
/// page: Identity's password check, counting failures towards lockout. The refusal never says which part was wrong.
/// </summary>
public sealed class PasswordSignIn(UserManager<PlatformUser> users, SignInManager<PlatformUser> signIns)
{
    public const string Wrong = "The email or password is wrong.";
    public const string LockedOut = "Too many failed sign-in attempts: the account is locked for a while.";

    /// <summary>The user, or why they may not sign in.</summary>
    public async Task<(PlatformUser? User, string? Refusal)> CheckAsync(string? login, string? password)
    {
        var user = await FindAsync(login);
        if (user is null)
            return (null, Wrong);
        var check = await signIns.CheckPasswordSignInAsync(user, password ?? "", lockoutOnFailure: true);
        return check.Succeeded ? (user, null) : (null, check.IsLockedOut ? LockedOut : Wrong);
    }

    private Task<PlatformUser?> FindAsync(string? login) =>
        string.IsNullOrWhiteSpace(login) ? Task.FromResult<PlatformUser?>(null)
        : login.Contains('@', StringComparison.Ordinal) ? users.FindByEmailAsync(login)
        : users.FindByNameAsync(login);
}
