namespace LlmPlatform.Data.Queries;

/// <summary>Who is looking: a user (or nobody, <see cref="Anonymous"/>), and whether they may see everyone's data.</summary>
public readonly record struct Viewer(Guid UserId, bool IsAdmin)
{
    /// <summary>Someone without an account: owns nothing, so sees only what is everyone's.</summary>
    public static Viewer Anonymous => new(Guid.Empty, IsAdmin: false);

    public bool CanSee(Guid ownerId) => IsAdmin || (ownerId == UserId && UserId != Guid.Empty);
}
