using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Providers;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Personas;

/// <summary>Creates, changes and deletes the current user's personas. Bad input writes nothing.</summary>
public sealed class PersonaCommands(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user, TimeProvider clock, IOptions<PersonaOptions> options, IOptions<GenerationOptions> generation, IOptions<LlmOptions> llm)
{
    public async Task<PersonaPayload> CreateAsync(CreatePersonaInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        PersonaRules.CheckName(input.Name, errors);
        PersonaRules.CheckOptionalText("description", input.Description, Persona.DescriptionMaxLength, errors);
        PersonaRules.CheckSystemPrompt(input.SystemPrompt, options.Value.MaxSystemPromptLength, errors);
        PersonaRules.CheckOptionalText("defaultProvider", input.DefaultProvider, Persona.ProviderMaxLength, errors);
        PersonaRules.CheckOptionalText("defaultModel", input.DefaultModel, Persona.ModelMaxLength, errors);
        PersonaRules.CheckTemperature(input.Temperature, errors);
        PersonaRules.CheckMaxTokens(input.MaxTokens, generation.Value.MaxTokensLimit, errors);
        PersonaRules.CheckRoute(input.Route, llm.Value.Routes, errors);
        if (errors.Count > 0)
            return PersonaPayload.Failed(errors);

        var now = Now();
        var persona = new Persona
        {
            Id = Guid.CreateVersion7(),
            Name = input.Name.Trim(),
            Description = input.Description?.Trim() ?? "",
            SystemPrompt = input.SystemPrompt,
            DefaultProvider = input.DefaultProvider,
            DefaultModel = input.DefaultModel,
            Temperature = input.Temperature ?? SamplingDefaults.Temperature,
            MaxTokens = input.MaxTokens,
            CacheResponses = input.CacheResponses ?? false,
            Route = input.Route,
            OwnerId = user.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Personas.Add(persona);
        await db.SaveChangesAsync(cancellationToken);
        return new PersonaPayload(persona, []);
    }

    public async Task<PersonaPayload> UpdateAsync(UpdatePersonaInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        if (input.Name.IsSet)
            PersonaRules.CheckName(input.Name.Value, errors);
        if (input.Description.IsSet)
            PersonaRules.CheckOptionalText("description", input.Description.Value, Persona.DescriptionMaxLength, errors);
        if (input.SystemPrompt.IsSet)
            PersonaRules.CheckSystemPrompt(input.SystemPrompt.Value, options.Value.MaxSystemPromptLength, errors);
        if (input.DefaultProvider.IsSet)
            PersonaRules.CheckOptionalText("defaultProvider", input.DefaultProvider.Value, Persona.ProviderMaxLength, errors);
        if (input.DefaultModel.IsSet)
            PersonaRules.CheckOptionalText("defaultModel", input.DefaultModel.Value, Persona.ModelMaxLength, errors);
        if (input.Temperature.IsSet)
        {
            if (input.Temperature.Value is null)
                errors.Add(UserError.Required("temperature"));
            PersonaRules.CheckTemperature(input.Temperature.Value, errors);
        }
        if (input.MaxTokens.IsSet)
            PersonaRules.CheckMaxTokens(input.MaxTokens.Value, generation.Value.MaxTokensLimit, errors);
        if (input.CacheResponses is { IsSet: true, Value: null })
            errors.Add(UserError.Required("cacheResponses"));
        if (input.Route.IsSet)
            PersonaRules.CheckRoute(input.Route.Value, llm.Value.Routes, errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (persona, error) = await FindOwnAsync(db, input.Id, cancellationToken);
        if (error is not null)
            errors.Insert(0, error);
        if (errors.Count > 0)
            return PersonaPayload.Failed(errors);

        if (input.Name.IsSet)
            persona!.Name = input.Name.Value.Trim();
        if (input.Description.IsSet)
            persona!.Description = input.Description.Value?.Trim() ?? "";
        if (input.SystemPrompt.IsSet)
            persona!.SystemPrompt = input.SystemPrompt.Value;
        if (input.DefaultProvider.IsSet)
            persona!.DefaultProvider = input.DefaultProvider.Value;
        if (input.DefaultModel.IsSet)
            persona!.DefaultModel = input.DefaultModel.Value;
        if (input.Temperature.Value is { } temperature)
            persona!.Temperature = temperature;
        if (input.MaxTokens.IsSet)
            persona!.MaxTokens = input.MaxTokens.Value;
        if (input.CacheResponses.Value is { } cacheResponses)
            persona!.CacheResponses = cacheResponses;
        if (input.Route.IsSet)
            persona!.Route = input.Route.Value;
        persona!.UpdatedAt = Now();
        await db.SaveChangesAsync(cancellationToken);
        return new PersonaPayload(persona, []);
    }

    public async Task<PersonaPayload> DeleteAsync(DeletePersonaInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (persona, error) = await FindOwnAsync(db, input.Id, cancellationToken);
        if (error is not null)
            return PersonaPayload.Failed(error);
        // Conversations keep their messages; the database sets their persona to null.
        db.Personas.Remove(persona!);
        await db.SaveChangesAsync(cancellationToken);
        return new PersonaPayload(persona, []);
    }

    /// <summary>
    /// The caller's own persona with this id. Someone else's reads as not found, so ids reveal nothing;
    /// a built-in one exists for everyone but is read-only.
    /// </summary>
    private async Task<(Persona? Persona, UserError? Error)> FindOwnAsync(PlatformDbContext db, string globalId, CancellationToken cancellationToken)
    {
        if (!GlobalId.TryDecodeGuid(globalId, PersonaGraphType.TypeName, out var id))
            return (null, UserError.NotFound("id", "persona"));
        var persona = await db.Personas.VisibleTo(user.Viewer).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return persona switch
        {
            null => (null, UserError.NotFound("id", "persona")),
            { IsBuiltIn: true } => (null, new UserError("Built-in personas cannot be changed; create your own instead.", UserErrorCodes.ReadOnly, ["input", "id"])),
            _ => (persona, null),
        };
    }

    /// <summary>
    /// The current time as the database keeps it: PostgreSQL stores microseconds, so the payload must not report
    /// the 100-nanosecond ticks a later read (or a filter on the returned value) would never see again.
    /// </summary>
    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
