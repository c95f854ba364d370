using GraphQL.Types;

namespace LlmPlatform.Graph.Users;

public sealed record RegisterInput(string Email, string Password, string? DisplayName);

public sealed class RegisterInputGraphType : InputObjectGraphType<RegisterInput>
{
    public RegisterInputGraphType()
    {
        Name = "RegisterInput";
        Description = "A new account.";
        Field(i => i.Email).Description($"The email to sign in with, at most {UserCommands.EmailMaxLength} characters.");
        Field(i => i.Password).Description("The password; it must meet the server's password rules (by default 6+ characters with a digit, a lower- and an upper-case letter and a symbol).");
        Field(i => i.DisplayName, nullable: true).Description($"The name shown for the user, at most {UserCommands.DisplayNameMaxLength} characters; the email when not given.");
    }
}
