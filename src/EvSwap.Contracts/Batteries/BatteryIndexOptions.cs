using System.ComponentModel.DataAnnotations;

namespace EvSwap.Contracts;

/// <summary>The battery index's shard count (<c>Ledger:Batteries:IndexShards</c>), shared by the grains that write it and the API that reads it.</summary>
public sealed class BatteryIndexOptions
{
    public const string Section = "Ledger:Batteries";

    /// <summary>Shards of the battery index. A shard is stored in chunks of bounded size, so this sets how a fleet-wide query and the index's writes spread, not a size limit.</summary>
    [Range(1, 1024, ErrorMessage = "Ledger:Batteries:IndexShards must be between 1 and 1024.")]
    public int IndexShards { get; set; } = 16;
}
