namespace LlmPlatform.Llm.Usage;

/// <summary>Where a usage query reads from.</summary>
public enum UsageSource
{
    /// <summary>Rollups for the closed hours they hold, when that is exact for the query; raw rows otherwise.</summary>
    Auto,

    /// <summary>Raw usage rows only: exact percentiles, slower over long ranges.</summary>
    Raw,

    /// <summary>Rollups for the closed hours they hold, raw rows for the rest; refused when rollups cannot answer exactly.</summary>
    Rollups,
}
