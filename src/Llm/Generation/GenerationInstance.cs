using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Generation;

/// <summary>This process among the instances sharing a database: the name its generation leases carry.</summary>
public sealed class GenerationInstance
{
    // Unique first, so that cutting a long machine name keeps it unique.
    private readonly string _id = $"{Guid.NewGuid():N}/{Environment.ProcessId}/{Environment.MachineName}";

    public string Id => _id.Length <= Data.Entities.Generation.InstanceIdMaxLength ? _id : _id[..Data.Entities.Generation.InstanceIdMaxLength];
}
