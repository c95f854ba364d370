using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>
/// One Redis stream entry carries a run of consecutive events of one generation: the position of the first (field
/// <c>f</c>), the chunks' texts (<c>c</c>, a JSON array; chunk i sits at position i + 1, so the index needs no room) and
/// the final event when the run ends the generation (<c>done</c> or <c>fail</c>). The entry id is <c>0-</c> and the
/// position of its last event: ids grow with positions, a reader resumes after any position by asking for the entries
/// from that id on, and writing the same run again is refused by Redis instead of stored twice.
/// </summary>
internal static class GenerationStreamEntry
{
    public const string FirstField = "f";
    public const string ChunksField = "c";
    public const string CompletedField = "done";
    public const string FailedField = "fail";

    /// <summary>The id of the entry whose last event sits at <paramref name="lastPosition"/>.</summary>
    public static RedisValue Id(long lastPosition) => "0-" + lastPosition.ToString(CultureInfo.InvariantCulture);

    /// <summary>The position of the last event of the entry with this id.</summary>
    public static long LastPosition(RedisValue id)
    {
        var text = (string)id!;
        return long.Parse(text.AsSpan(text.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
    }

    public static NameValueEntry[] Encode(long first, IReadOnlyList<GenerationEvent> events)
    {
        var final = events.Count > 0 && GenerationLog.IsFinal(events[^1]) ? events[^1] : null;
        var texts = new string[final is null ? events.Count : events.Count - 1];
        for (var i = 0; i < texts.Length; i++)
            texts[i] = ((TokenChunk)events[i]).Text;
        var fields = new List<NameValueEntry>(3) { new(FirstField, first) };
        if (texts.Length > 0)
            fields.Add(new(ChunksField, JsonSerializer.SerializeToUtf8Bytes(texts, GenerationEventJson.Default.StringArray)));
        if (final is not null)
            fields.Add(EncodeFinal(final));
        return [.. fields];
    }

    /// <summary>The value of a generation's start key.</summary>
    public static RedisValue EncodeStarted(GenerationStarted started) =>
        JsonSerializer.SerializeToUtf8Bytes(started, GenerationEventJson.Default.GenerationStarted);

    /// <summary>The start event in a start key's value; null for a missing key.</summary>
    public static GenerationStarted? DecodeStarted(RedisValue value) =>
        value.IsNull ? null : JsonSerializer.Deserialize((byte[])value!, GenerationEventJson.Default.GenerationStarted);

    public static NameValueEntry EncodeFinal(GenerationEvent final) => final switch
    {
        GenerationCompleted completed => new(CompletedField, JsonSerializer.SerializeToUtf8Bytes(completed, GenerationEventJson.Default.GenerationCompleted)),
        GenerationFailed failed => new(FailedField, JsonSerializer.SerializeToUtf8Bytes(failed, GenerationEventJson.Default.GenerationFailed)),
        _ => throw new ArgumentException("Only a GenerationCompleted or GenerationFailed ends a generation.", nameof(final)),
    };

    /// <summary>The entry's events and the position of the first.</summary>
    public static (long First, List<GenerationEvent> Events) Decode(Guid generationId, StreamEntry entry)
    {
        long first = 0;
        string[] texts = [];
        GenerationEvent? final = null;
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case FirstField:
                    first = (long)field.Value;
                    break;
                case ChunksField:
                    texts = JsonSerializer.Deserialize((byte[])field.Value!, GenerationEventJson.Default.StringArray) ?? [];
                    break;
                case CompletedField:
                    final = JsonSerializer.Deserialize((byte[])field.Value!, GenerationEventJson.Default.GenerationCompleted);
                    break;
                case FailedField:
                    final = JsonSerializer.Deserialize((byte[])field.Value!, GenerationEventJson.Default.GenerationFailed);
                    break;
            }
        }
        var events = new List<GenerationEvent>(texts.Length + 1);
        for (var i = 0; i < texts.Length; i++)
            events.Add(new TokenChunk(generationId, checked((int)(first + i - 1)), texts[i]));
        if (final is not null)
            events.Add(final);
        return (first, events);
    }
}
