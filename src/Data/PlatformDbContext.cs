using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LlmPlatform.Data;

/// <summary>
/// The platform's model. Each database has its own subclass (<see cref="SqlitePlatformDbContext"/>,
/// <see cref="PostgresPlatformDbContext"/>) only so that each keeps its own migrations; code asks for this type.
/// </summary>
public abstract class PlatformDbContext(DbContextOptions options)
    : IdentityDbContext<PlatformUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Persona> Personas => Set<Persona>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<UsageEvent> UsageEvents => Set<UsageEvent>();
    public DbSet<AnalyticsEvent> AnalyticsEvents => Set<AnalyticsEvent>();
    public DbSet<ProviderKey> ProviderKeys => Set<ProviderKey>();
    public DbSet<Generation> Generations => Set<Generation>();
    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();
    public DbSet<UserBudget> UserBudgets => Set<UserBudget>();

    public DbSet<UsageModelRollup> UsageModelRollups => Set<UsageModelRollup>();

    /// <summary>Data Protection's key ring, kept here so that every instance protects and unprotects alike.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Enums as their names: readable in either database and safe against reordering.
        configurationBuilder.Properties<MessageRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<FinishReason>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<GenerationStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ResponseFormatKind>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Persona>(persona =>
        {
            persona.Property(p => p.Name).HasMaxLength(Persona.NameMaxLength);
            persona.Property(p => p.Description).HasMaxLength(Persona.DescriptionMaxLength);
            persona.Property(p => p.SystemPrompt).HasMaxLength(Persona.SystemPromptMaxLength);
            persona.Property(p => p.DefaultProvider).HasMaxLength(Persona.ProviderMaxLength);
            persona.Property(p => p.DefaultModel).HasMaxLength(Persona.ModelMaxLength);
            persona.Property(p => p.Route).HasMaxLength(Persona.RouteMaxLength);
            persona.HasOne(p => p.Owner).WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Cascade);
            persona.HasIndex(p => new { p.OwnerId, p.UpdatedAt });
            persona.HasIndex(p => p.Name);
            persona.HasData(BuiltInPersonas.All);
        });

        builder.Entity<Conversation>(conversation =>
        {
            conversation.Property(c => c.Title).HasMaxLength(Conversation.TitleMaxLength);
            conversation.HasOne(c => c.Persona).WithMany().HasForeignKey(c => c.PersonaId).OnDelete(DeleteBehavior.SetNull);
            conversation.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
            conversation.HasIndex(c => new { c.OwnerId, c.UpdatedAt });
            conversation.HasIndex(c => c.PersonaId);
        });

        builder.Entity<Message>(message =>
        {
            message.HasOne(m => m.Conversation).WithMany(c => c.Messages)
                .HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            // Pages of a conversation's messages are read by (conversation, id).
            message.HasIndex(m => new { m.ConversationId, m.Id });
            message.HasIndex(m => m.GenerationId);
        });

        builder.Entity<UsageEvent>(usage =>
        {
            usage.Property(u => u.Provider).HasMaxLength(Persona.ProviderMaxLength);
            usage.Property(u => u.Model).HasMaxLength(Persona.ModelMaxLength);
            usage.Property(u => u.Cost).HasPrecision(18, 8);
            usage.Property(u => u.Attempts).HasDefaultValue(1);
            usage.HasIndex(u => u.GenerationId).IsUnique();
            usage.HasIndex(u => new { u.UserId, u.CreatedAt });
            usage.HasIndex(u => new { u.Provider, u.Model, u.CreatedAt });
            // Time ranges alone: the rollup job's hour, the usage query's hours not rolled up, retention.
            usage.HasIndex(u => u.CreatedAt);
        });

        builder.Entity<Generation>(generation =>
        {
            generation.Property(g => g.Provider).HasMaxLength(Persona.ProviderMaxLength);
            generation.Property(g => g.Model).HasMaxLength(Persona.ModelMaxLength);
            generation.Property(g => g.InstanceId).HasMaxLength(Generation.InstanceIdMaxLength);
            generation.Property(g => g.FailureCode).HasMaxLength(Generation.FailureCodeMaxLength);
            generation.Property(g => g.FailureMessage).HasMaxLength(Generation.FailureMessageMaxLength);
            generation.HasOne(g => g.Conversation).WithMany().HasForeignKey(g => g.ConversationId).OnDelete(DeleteBehavior.Cascade);
            // The sweeper looks for running generations whose lease has lapsed.
            generation.HasIndex(g => new { g.Status, g.LeaseExpiresAt });
            generation.HasIndex(g => g.OwnerId);
        });

        builder.Entity<UsageRollup>(rollup =>
        {
            ConfigureRollupSums(rollup);
            rollup.HasIndex(r => new { r.HourStart, r.UserId });
            rollup.HasIndex(r => new { r.UserId, r.HourStart });
        });

        builder.Entity<UsageModelRollup>(rollup =>
        {
            ConfigureRollupSums(rollup);
            rollup.HasIndex(r => r.HourStart);
        });

        builder.Entity<AnalyticsEvent>(analytics =>
        {
            analytics.Property(a => a.Name).HasMaxLength(AnalyticsEvent.NameMaxLength);
            analytics.HasIndex(a => new { a.Name, a.CreatedAt });
            analytics.HasIndex(a => new { a.UserId, a.CreatedAt });
        });

        builder.Entity<ProviderKey>(key =>
        {
            key.Property(k => k.Provider).HasMaxLength(ProviderKey.ProviderMaxLength);
            key.Property(k => k.LastFour).HasMaxLength(ProviderKey.LastFourLength);
            key.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
            key.HasIndex(k => new { k.UserId, k.Provider }).IsUnique();
        });

        builder.Entity<UserBudget>(budget =>
        {
            budget.HasKey(b => b.UserId);
            budget.Property(b => b.DailyCost).HasPrecision(18, 8);
            budget.Property(b => b.MonthlyCost).HasPrecision(18, 8);
            budget.HasOne(b => b.User).WithOne().HasForeignKey<UserBudget>(b => b.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        // OpenIddict's applications, authorizations, scopes and tokens, keyed by Guid like the users.
        builder.UseOpenIddict<Guid>();

        builder.Entity<PlatformUser>().HasData(LocalUser.Entity);
        builder.Entity<IdentityRole<Guid>>().HasData(PlatformRoles.Entities);
    }

    private static void ConfigureRollupSums<TRollup>(EntityTypeBuilder<TRollup> rollup)
        where TRollup : UsageRollupSums
    {
        rollup.Property(r => r.Provider).HasMaxLength(Persona.ProviderMaxLength);
        rollup.Property(r => r.Model).HasMaxLength(Persona.ModelMaxLength);
        rollup.Property(r => r.Cost).HasPrecision(18, 8);
        // The histograms are columns the entity does not carry: only SQL writes and reads them (UsageRollupJob, UsageSql).
        for (var bucket = 0; bucket < UsageHistogram.BucketCount; bucket++)
        {
            rollup.Property<int>(UsageHistogram.LatencyColumn(bucket));
            rollup.Property<int>(UsageHistogram.TimeToFirstTokenColumn(bucket));
        }
    }
}
