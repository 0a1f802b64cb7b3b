using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>What a station grain persists. Kept small: the raw history lives in the archive, not here.</summary>
/// <remarks>
/// The latest slots are kept as the snapshot's bytes, as received, and parsed when a view asks for them. Those bytes
/// are already held for the archive, whereas 16 parsed slot objects per station, replaced at every message, were
/// the bulk of what each garbage collection had to copy: at 10,000 stations they set the publish-to-visible p99.
/// </remarks>
[GenerateSerializer]
public sealed class StationState
{
    [Id(0)] public bool HasReported { get; set; }
    [Id(1)] public long Boot { get; set; }
    [Id(2)] public long Seq { get; set; }
    [Id(3)] public DateTimeOffset LastStationTs { get; set; }
    [Id(4)] public DateTimeOffset LastSeen { get; set; }
    /// <summary>The payload of the latest applied message (telemetry v1 JSON); its slots are the station's slots.</summary>
    [Id(16)] public byte[]? LatestSnapshot { get; set; }
    [Id(6)] public double? AmbientC { get; set; }
    [Id(7)] public double? GridPowerKw { get; set; }
    [Id(8)] public long Messages { get; set; }
    [Id(9)] public long Duplicates { get; set; }
    [Id(10)] public long SwapsTotal { get; set; }
    [Id(11)] public long SwapsToday { get; set; }
    [Id(12)] public DateOnly SwapsDay { get; set; }
    [Id(13)] public long Faults { get; set; }
    [Id(14)] public List<Alert> Alerts { get; set; } = [];

    /// <summary>Applied messages that were behind the newest when they arrived (counted in <see cref="Messages"/> too).</summary>
    [Id(17)] public long Late { get; set; }

    /// <summary>Which (boot, seq) were applied and which archived: what makes redelivery, late arrival and replay exact.</summary>
    [Id(18)] public DeliveryLog Delivery { get; set; } = new();

    /// <summary>Swaps of applied messages the ledger store has not confirmed yet: written with the state, so none is lost.</summary>
    [Id(20)] public List<EvSwap.Ledger.SwapEvent> PendingSwaps { get; set; } = [];

    /// <summary>The battery in each occupied slot of the newest snapshot: what a new snapshot is compared with.</summary>
    [Id(70)] public List<SlotHolding> BatterySlots { get; set; } = [];

    /// <summary>Battery events of applied messages their battery grains have not confirmed yet: written with the state, so none is lost.</summary>
    [Id(71)] public List<BatteryEvent> PendingBatteryEvents { get; set; } = [];

    /// <summary>Commands and reservations (the downlink), kept with the station so they survive a restart or a move.</summary>
    [Id(40)] public DownlinkState Downlink { get; set; } = new();

    /// <summary>Where each alarm rule stands for this station, and transitions its alarm shard has yet to accept.</summary>
    [Id(30)] public AlarmRuleState AlarmRules { get; set; } = new();
}
