using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>What a station grain persists. Kept small: the raw history lives in the archive, not here.</summary>
[GenerateSerializer]
public sealed class StationState
{
    [Id(0)] public bool HasReported { get; set; }
    [Id(1)] public long Boot { get; set; }
    [Id(2)] public long Seq { get; set; }
    [Id(3)] public DateTimeOffset LastStationTs { get; set; }
    [Id(4)] public DateTimeOffset LastSeen { get; set; }
    [Id(5)] public List<SlotReading> Slots { get; set; } = [];
    [Id(6)] public double? AmbientC { get; set; }
    [Id(7)] public double? GridPowerKw { get; set; }
    [Id(8)] public long Messages { get; set; }
    [Id(9)] public long Duplicates { get; set; }
    [Id(10)] public long SwapsTotal { get; set; }
    [Id(11)] public long SwapsToday { get; set; }
    [Id(12)] public DateOnly SwapsDay { get; set; }
    [Id(13)] public long Faults { get; set; }
    [Id(14)] public List<Alert> Alerts { get; set; } = [];

    /// <summary>Consecutive messages each slot has been at or above the over-temperature limit.</summary>
    [Id(15)] public Dictionary<int, int> HotStreaks { get; set; } = [];
}
