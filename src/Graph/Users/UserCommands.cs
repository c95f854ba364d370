using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Schema;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Users;

/// <summary>Registration (Identity's password rules) and the caller's own profile.</summary>
public sealed class UserCommands(UserManager<PlatformUser> users, CurrentUser user, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const int EmailMaxLength = 256;
    public const int PasswordMaxLength = 512;
    public const int DisplayNameMaxLength = 100;

    public async Task<RegisterPayload> RegisterAsync(RegisterInput input, CancellationToken cancellationToken)
    {
        var email = input.Email.Trim();
        var displayName = input.DisplayName?.Trim();
        var errors = new List<UserError>();
        if (email.Length == 0)
            errors.Add(UserError.Required("email"));
        else if (email.Length > EmailMaxLength)
            errors.Add(UserError.TooLong("email", EmailMaxLength));
        if (input.Password.Length == 0)
            errors.Add(UserError.Required("password"));
        else if (input.Password.Length > PasswordMaxLength)
            errors.Add(UserError.TooLong("password", PasswordMaxLength));
        if (displayName?.Length > DisplayNameMaxLength)
            errors.Add(UserError.TooLong("displayName", DisplayNameMaxLength));
        if (errors.Count > 0)
            return RegisterPayload.Failed(errors);

        cancellationToken.ThrowIfCancellationRequested();
        var account = new PlatformUser
        {
            UserName = email,
            Email = email,
            DisplayName = string.IsNullOrEmpty(displayName) ? email : displayName,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        // Identity checks the email's form and uniqueness and the password's rules, and stores nothing on failure.
        var created = await users.CreateAsync(account, input.Password);
        if (!created.Succeeded)
            return RegisterPayload.Failed(created.Errors.Select(ToUserError).DistinctBy(e => (e.Code, e.Message)).ToList());

        var roles = options.Value.AdminEmails.Contains(email, StringComparer.OrdinalIgnoreCase)
            ? new[] { PlatformRoles.User, PlatformRoles.Admin }
            : [PlatformRoles.User];
        var added = await users.AddToRolesAsync(account, roles);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(account);
            throw new InvalidOperationException("The new user could not be given their roles: " + string.Join(" ", added.Errors.Select(e => e.Code)));
        }
        return new RegisterPayload(await ProfileOfAsync(account), []);
    }

    /// <summary>The caller's profile; null when they are nobody.</summary>
    public async Task<UserProfile?> MeAsync()
    {
        if (!user.IsKnown)
            return null;
        return await FindAsync(user.Id);
    }

    /// <summary>Any user's profile, for callers who may see it; null when there is no such user.</summary>
    public async Task<UserProfile?> FindAsync(Guid id)
    {
        var account = await users.FindByIdAsync(id.ToString());
        return account is null ? null : await ProfileOfAsync(account);
    }

    private async Task<UserProfile> ProfileOfAsync(PlatformUser account) =>
        new(account.Id, account.Email, account.DisplayName, [.. await users.GetRolesAsync(account)], account.CreatedAt);

    private static UserError ToUserError(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) =>
            new("An account with this email exists already.", UserErrorCodes.Taken, ["input", "email"]),
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) =>
            new("This is not a valid email address.", UserErrorCodes.Invalid, ["input", "email"]),
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) =>
            new(error.Description, UserErrorCodes.WeakPassword, ["input", "password"]),
        _ => new(error.Description, UserErrorCodes.Invalid, null),
    };
}
