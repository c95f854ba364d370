using LlmPlatform.Graph.Telemetry;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Schema.PersistedOperations;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>
/// Operation names label metrics only while they stay few: the first <c>Telemetry:MaxOperationNames</c> distinct names
/// and trusted documents' names; the rest, and names that are not plain GraphQL names, are counted as <c>other</c>.
/// </summary>
// Not beside TelemetryTests: while this class's server runs in the same process, that class's server scraped itself
// without its own GraphQL and GenAI metrics (see the report of the change that added this class).
[Collection(TelemetryScrapes.Collection)]
public sealed class OperationNameLabelTests(OperationNameLabelTests.FewNamesServer server) : IClassFixture<OperationNameLabelTests.FewNamesServer>
{
    private const int MaxNames = 5;
    private const string Duration = "llmplatform_graphql_operation_duration_seconds_count";
    private const string NameLabel = "graphql_operation_name";

    [Fact]
    public async Task ManyDistinctNames_AreLabelledAsTheFirstFewThenOther()
    {
        var names = Enumerable.Range(0, 40).Select(i => $"Many{i}_{Guid.NewGuid():N}").ToList();
        foreach (var name in names)
            (await server.PostGraphQLAsync($"query {name} {{ __typename }}", operationName: name)).ShouldHaveNoErrors();

        var scrape = await server.WaitForScrapeAsync(s => s.Sum(Duration, (NameLabel, OperationNameLabels.Other)) >= names.Count - MaxNames);
        var labels = scrape.LabelValues(Duration, NameLabel);
        var kept = names.Where(labels.Contains).ToList();
        Assert.InRange(kept.Count, 0, MaxNames);
        Assert.True(labels.Count <= MaxNames + 2, "labels: " + string.Join(", ", labels)); // + other + the trusted document's
        Assert.All(kept, name => Assert.Equal(1, scrape.Sum(Duration, (NameLabel, name))));
    }

    [Fact]
    public async Task TrustedDocument_KeepsItsNameWhateverTheCount()
    {
        // More than the cap of other names first, so the trusted name is not merely among the first few.
        foreach (var i in Enumerable.Range(0, MaxNames + 1))
        {
            var name = $"Filler{i}_{Guid.NewGuid():N}";
            await server.PostGraphQLAsync($"query {name} {{ __typename }}", operationName: name);
        }
        using var response = await TrustedManifest.PostAsync(server, TrustedManifest.BareId);
        response.EnsureSuccessStatusCode();

        await server.WaitForScrapeAsync(s => s.Sum(Duration, (NameLabel, "TrustedPersonas")) >= 1);
    }

    [Theory]
    [InlineData("not-a-name")]
    [InlineData("Trailing\n")]
    [InlineData("ThisNameIsLongerThanSixtyFourCharactersWhichNoMetricLabelShouldCarryEver")]
    public async Task NameThatIsNotAPlainGraphQLName_IsNeverALabel(string name)
    {
        var before = (await server.ScrapeAsync()).Sum(Duration, (NameLabel, OperationNameLabels.Other));
        // Sent as the operation name: the document has no such operation (or it is too long to be kept).
        await server.PostGraphQLRawAsync("query Plain { __typename }", operationName: name);

        var scrape = await server.WaitForScrapeAsync(s => s.Sum(Duration, (NameLabel, OperationNameLabels.Other)) > before);
        Assert.DoesNotContain(name.Trim(), scrape.LabelValues(Duration, NameLabel));
        Assert.DoesNotContain(name.Trim(), scrape.Text, StringComparison.Ordinal);
    }

    public sealed class FewNamesServer : ConfiguredSqliteServer
    {
        public FewNamesServer()
        {
            Set("Telemetry:MaxOperationNames", MaxNames.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("GraphQL:TrustedDocuments:ManifestPath", TrustedManifest.Write());
        }
    }
}
