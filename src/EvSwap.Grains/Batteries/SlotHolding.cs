namespace EvSwap.Grains;

/// <summary>The battery a station's slot held in its newest snapshot, and when the station last sent that battery a reading.</summary>
[GenerateSerializer]
public sealed class SlotHolding
{
    [Id(0)] public int Slot { get; set; }
    [Id(1)] public string BatteryId { get; set; } = "";
    [Id(2)] public DateTimeOffset LastReadingAt { get; set; }
    /// <summary>The last reading sent was at or above the over-temperature threshold.</summary>
    [Id(3)] public bool Hot { get; set; }
}
