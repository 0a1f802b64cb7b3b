using System.ComponentModel.DataAnnotations;

namespace EvSwap.Contracts;

/// <summary>Fleet index settings shared by the station grains (writers) and the API (reader).</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>Number of index shards. Changing it re-homes stations; they re-register on their next message.</summary>
    [Range(1, 1024, ErrorMessage = "Fleet:Shards must be between 1 and 1024.")]
    public int Shards { get; set; } = 16;
}
