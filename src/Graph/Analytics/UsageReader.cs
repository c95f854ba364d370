using GraphQL;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Usage;

namespace LlmPlatform.Graph.Analytics;

/// <summary>Turns the usage arguments of the schema into <see cref="UsageQuery"/>s for the caller, and their faults into typed errors.</summary>
public sealed class UsageReader(UsageAggregator aggregator, CurrentUser user)
{
    public const string InvalidTimeZone = "INVALID_TIME_ZONE";
    public const string InvalidId = "INVALID_ID";

    public Task<IReadOnlyList<UsageBucket>> ListAsync(UsageFilterInput filter, IReadOnlyList<UsageDimension> groupBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new UsageQuery(Utc(filter.From), Utc(filter.To), Zone(filter.TimeZone), [.. groupBy.Distinct()])
        {
            Providers = filter.Providers,
            Models = filter.Models,
            PersonaIds = Ids(filter.PersonaIds, PersonaGraphType.TypeName, "personaIds"),
            UserIds = Ids(filter.UserIds, UserGraphType.TypeName, "userIds"),
            Source = filter.Source ?? UsageSource.Auto,
        };
        return AggregateAsync(query, cancellationToken);
    }

    /// <summary>The query as the current user may see it; a query they must change becomes a coded error.</summary>
    public async Task<IReadOnlyList<UsageBucket>> AggregateAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await aggregator.AggregateAsync(query, user.Viewer, cancellationToken);
        }
        catch (UsageQueryException e)
        {
            throw new ExecutionError(e.Message) { Code = e.Code };
        }
    }

    public bool IsAdmin => user.IsAdmin;

    public Guid UserId => user.Id;

    /// <summary>A client's instant as UTC; one without an offset is taken as UTC.</summary>
    public static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    private static TimeZoneInfo Zone(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "UTC")
            return TimeZoneInfo.Utc;
        // IANA names only: .NET would also take Windows names, which PostgreSQL does not know.
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) && zone.HasIanaId)
            return zone;
        throw new ExecutionError($"'{name}' is not an IANA time zone name (like 'Europe/Berlin').") { Code = InvalidTimeZone };
    }

    private static List<Guid>? Ids(IReadOnlyList<string>? ids, string typeName, string argument) => ids?.Select(id =>
        GlobalId.TryDecodeGuid(id, typeName, out var guid)
            ? guid
            : throw new ExecutionError($"'{id}' in `{argument}` is not the id of a {typeName}.") { Code = InvalidId }).ToList();
}
