using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using GraphQL.DI;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Transport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace LlmPlatform.Graph.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Identity (users, passwords, lockout), the OpenIddict token server, token validation on every transport.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.Environment;
        var section = builder.Configuration.GetSection(AuthOptions.Section);
        builder.Services.AddOptions<AuthOptions>()
            .Configure(options => options.ApplyDefaultsOf(environment))
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The token server is configured now, before the container exists, so it reads the same settings directly.
        var auth = new AuthOptions();
        auth.ApplyDefaultsOf(environment);
        section.Bind(auth);
        if (auth.Issuer is { IsAbsoluteUri: false })
            throw new InvalidOperationException($"Auth:Issuer must be an absolute URI (such as https://api.example.com/), not '{auth.Issuer}'.");

        builder.Services.AddIdentityCore<PlatformUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                identity.ClaimsIdentity.RoleClaimType = Claims.Role;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<PlatformDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // Password rules and lockout are Identity's own options, settable under Auth:Identity.
        builder.Services.Configure<IdentityOptions>(section.GetSection("Identity"));

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<PlatformDbContext>().ReplaceDefaultEntities<Guid>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize");
                server.AllowPasswordFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.RegisterScopes(AuthClients.ApiScope, Scopes.OfflineAccess, Scopes.Email, Scopes.Profile, Scopes.Roles);
                server.SetAccessTokenLifetime(auth.AccessTokenLifetime).SetRefreshTokenLifetime(auth.RefreshTokenLifetime);
                // Validation (the local server's) takes the issuer from here too.
                if (auth.Issuer is { } issuer)
                    server.SetIssuer(issuer);
                AddKeys(server, auth, environment);
                var aspNetCore = server.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough();
                if (!auth.RequireHttps)
                    aspNetCore.DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        // Requests are authenticated by OpenIddict validation, through a cache of the tokens it validated.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ValidatedTokenCache>();
        CachedBearerAuthenticationHandler.AddTo(builder.Services.AddAuthentication(CachedBearerAuthenticationHandler.SchemeName));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = TokenRequestLimiter.Create(auth.TokenRequestsPerMinute);
            limiter.OnRejected = TokenRequestLimiter.RefuseAsync;
        });

        // The Data Protection key ring sits in the database beside what it protects (users' provider keys); with a
        // certificate configured, the ring itself is encrypted, so a database dump alone reveals no provider key.
        if (auth.EncryptionCertificate is { } ringCertificate)
            builder.Services.AddDataProtection().ProtectKeysWithCertificate(Load(ringCertificate));

        builder.Services.AddScoped<TokenPrincipals>();
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddSingleton<ICallerAuthenticator, BearerTokenAuthenticator>();
        builder.Services.AddSingleton<IConfigureExecution, AnonymousCallerRestriction>();
        builder.Services.AddHostedService<ClientRegistrar>();
        builder.Services.AddHostedService<IssuerCheck>();
        return builder;
    }

    // Signing and encryption keys: a machine's development certificates in Development, the configured certificates
    // elsewhere (several instances must share them to accept each other's tokens), throwaway keys only in tests.
    private static void AddKeys(OpenIddictServerBuilder server, AuthOptions auth, IHostEnvironment environment)
    {
        if (auth.SigningCertificate is { } signing && auth.EncryptionCertificate is { } encryption)
        {
            server.AddSigningCertificate(Load(signing)).AddEncryptionCertificate(Load(encryption));
        }
        else if (environment.IsDevelopment())
        {
            server.AddDevelopmentSigningCertificate().AddDevelopmentEncryptionCertificate();
        }
        else if (!environment.IsProduction() && !environment.IsStaging())
        {
            server.AddEphemeralSigningKey().AddEphemeralEncryptionKey();
        }
        else
        {
            throw new InvalidOperationException(
                "Auth:SigningCertificate and Auth:EncryptionCertificate (Path, Password) must name PKCS#12 certificates outside Development.");
        }
    }

    private static X509Certificate2 Load(CertificateOptions certificate) =>
        X509CertificateLoader.LoadPkcs12FromFile(certificate.Path, certificate.Password, X509KeyStorageFlags.EphemeralKeySet);
}
