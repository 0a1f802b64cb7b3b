using System.ComponentModel.DataAnnotations;

namespace EvSwap.Contracts;

/// <summary>The battery index's shard count (<c>Ledger:Batteries:IndexShards</c>), shared by the grains that write it and the API that reads it.</summary>
public sealed class BatteryIndexOptions
{
    public const string Section = "Ledger:Batteries";

    /// <summary>Each shard is one stored item (DynamoDB: at most 400 KB, about 2,000 batteries): size it to the fleet.</summary>
    [Range(1, 1024, ErrorMessage = "Ledger:Batteries:IndexShards must be between 1 and 1024 (about one per 2,000 batteries).")]
    public int IndexShards { get; set; } = 16;
}
