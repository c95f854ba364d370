namespace LlmPlatform.Graph.Users;

public static class UserServices
{
    /// <summary>Who the operation acts for, and the account fields.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddScoped<CurrentUser>();
        services.AddScoped<UserCommands>();
        return services;
    }
}
