using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>
/// What each environment does by default: only Development lets a caller without a token act as the local user;
/// outside Development tokens are signed and encrypted with the configured certificates, and the server will not
/// start without them.
/// </summary>
public sealed class AuthEnvironmentTests
{
    [Fact]
    public async Task Production_ByDefault_NoTokenMeansNobody()
    {
        await using var server = new ProductionServer();
        await server.InitializeAsync();

        var anonymous = await server.PostGraphQLAsync("{ me { email } conversations { totalCount } }");

        Assert.Equal("UNAUTHENTICATED", anonymous["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_ConfiguredCertificates_IssueTokensTheApiAccepts()
    {
        await using var server = new ProductionServer();
        await server.InitializeAsync();

        var (email, token) = await server.SignUpAsync();

        var me = await server.PostGraphQLWithTokenAsync(token, "{ me { email } }");
        Assert.Equal(email, me["data"]!["me"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Production_ConfiguredCertificate_EncryptsTheDataProtectionKeyRing()
    {
        await using var server = new ProductionServer();
        await server.InitializeAsync();

        var protector = server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("secret", protector.Unprotect(protector.Protect("secret")));

        var ring = await server.ReadAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("EncryptedXml", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Production_WithoutCertificates_DoesNotStart()
    {
        await using var server = new ProductionServer(withCertificates: false);

        var failure = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

        Assert.Contains("Auth:SigningCertificate", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_ByDefault_NoTokenActsAsTheLocalUser()
    {
        await using var server = new DevelopmentServer();
        await server.InitializeAsync();

        var me = await server.PostGraphQLAsync("{ me { displayName } conversations { totalCount } }");

        Assert.Null(me["errors"]);
        Assert.Equal("Local user", me["data"]!["me"]!["displayName"]!.GetValue<string>());
    }

    private sealed class ProductionServer : ConfiguredSqliteServer, IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("llmplatform-certs").FullName;

        public ProductionServer(bool withCertificates = true)
        {
            // Left unset on purpose: the environment decides (PlatformServer would otherwise turn it on).
            Set("Auth:AnonymousAsLocalUser", null);
            // Plain HTTP on loopback for the test; production deployments keep the default (HTTPS required).
            Set("Auth:RequireHttps", "false");
            if (!withCertificates)
                return;
            TestCertificates.Apply(Set, _directory);
        }

        protected override string Environment => "Production";

        async ValueTask IAsyncDisposable.DisposeAsync()
        {
            await DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class DevelopmentServer : ConfiguredSqliteServer, IAsyncDisposable
    {
        public DevelopmentServer() => Set("Auth:AnonymousAsLocalUser", null);

        protected override string Environment => "Development";

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }
}
