using System.Data.Common;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Makes OpenIddict's client registrations match the configuration at start-up (after migrations): the built-in
/// first-party and explorer clients, and each configured service with the user it acts as.
/// </summary>
internal sealed partial class ClientRegistrar(IServiceScopeFactory scopes, IOptions<AuthOptions> options, ILogger<ClientRegistrar> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RegisterAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException { InnerException: DbException } or RetryLimitExceededException { InnerException: DbException })
        {
            // The database is not there yet: serve what can be served (health says not ready) and keep trying.
            LogRetrying(logger, e);
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_retrying is null)
            return;
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(RetryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await RegisterAsync(stopping);
                    return;
                }
                catch (Exception e) when (e is DbException or InvalidOperationException { InnerException: DbException } or RetryLimitExceededException { InnerException: DbException })
                {
                    LogRetrying(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down before the database came back.
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var store = (IUserRoleStore<PlatformUser>)scope.ServiceProvider.GetRequiredService<IUserStore<PlatformUser>>();
        var auth = options.Value;

        await EnsureAsync(applications, FirstParty(), cancellationToken);
        await EnsureAsync(applications, Explorer(auth.ExplorerRedirectUris), cancellationToken);
        foreach (var (clientId, client) in auth.Clients)
        {
            await EnsureAsync(applications, Service(clientId, client), cancellationToken);
            await EnsureServiceUserAsync(users, store, clientId, client, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor FirstParty() => new()
    {
        ClientId = AuthClients.FirstParty,
        ClientType = ClientTypes.Public,
        DisplayName = "LlmPlatform apps and scripts",
        Permissions =
        {
            Permissions.Endpoints.Token, Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken,
            Permissions.Prefixes.Scope + AuthClients.ApiScope, Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Scopes.Roles,
        },
    };

    private static OpenIddictApplicationDescriptor Explorer(IEnumerable<string> redirectUris)
    {
        var explorer = new OpenIddictApplicationDescriptor
        {
            ClientId = AuthClients.Explorer,
            ClientType = ClientTypes.Public,
            DisplayName = "GraphQL explorer and browser apps",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Prefixes.Scope + AuthClients.ApiScope, Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in redirectUris)
            explorer.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        return explorer;
    }

    private static OpenIddictApplicationDescriptor Service(string clientId, ClientOptions client) => new()
    {
        ClientId = clientId,
        ClientSecret = client.Secret,
        ClientType = ClientTypes.Confidential,
        DisplayName = client.DisplayName ?? clientId,
        Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + AuthClients.ApiScope },
    };

    private async Task EnsureAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        var existing = await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken);
        try
        {
            if (existing is null)
                await applications.CreateAsync(descriptor, cancellationToken);
            else
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        catch (DbUpdateException) when (existing is null)
        {
            // Another instance starting at the same moment registered it first; its registration is this one's.
            LogRegisteredElsewhere(logger, descriptor.ClientId!);
        }
    }

    // Through the store, not the manager: a service has no email, which the manager's validation (unique emails) demands.
    private static async Task EnsureServiceUserAsync(
        UserManager<PlatformUser> users, IUserRoleStore<PlatformUser> store, string clientId, ClientOptions client, CancellationToken cancellationToken)
    {
        var userName = ServiceUsers.UserNameOf(clientId);
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new PlatformUser
            {
                UserName = userName,
                NormalizedUserName = users.NormalizeName(userName),
                DisplayName = client.DisplayName ?? clientId,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                CreatedAt = DateTime.UtcNow,
            };
            var created = await store.CreateAsync(user, cancellationToken);
            if (!created.Succeeded)
                throw new InvalidOperationException($"The service user of client '{clientId}' could not be created: "
                    + string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        var roles = (client.Roles.Count == 0 ? [PlatformRoles.User] : client.Roles).Select(users.NormalizeName).ToList();
        var current = (await store.GetRolesAsync(user, cancellationToken)).Select(users.NormalizeName).ToList();
        foreach (var role in roles.Except(current, StringComparer.Ordinal))
            await store.AddToRoleAsync(user, role!, cancellationToken);
        foreach (var role in current.Except(roles, StringComparer.Ordinal))
            await store.RemoveFromRoleAsync(user, role!, cancellationToken);
        await store.UpdateAsync(user, cancellationToken);
    }

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Client registrations could not be written; retrying")]
    private static partial void LogRetrying(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Debug, Message = "Client {ClientId} was registered by another instance")]
    private static partial void LogRegisteredElsewhere(ILogger logger, string clientId);
}
