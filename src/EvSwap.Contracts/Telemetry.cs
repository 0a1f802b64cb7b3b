using System.Text.Json.Serialization;

namespace EvSwap.Contracts;

/// <summary>One telemetry snapshot of a station, as published on the wire (contract v1).</summary>
[GenerateSerializer, Immutable]
public sealed record TelemetryMessage
{
    public const string SchemaV1 = "evswap.telemetry.v1";

    [Id(0)] public string? Schema { get; init; }
    [Id(1)] public string? StationId { get; init; }
    [Id(2)] [JsonRequired] public long Boot { get; init; }
    [Id(3)] [JsonRequired] public long Seq { get; init; }
    [Id(4)] [JsonRequired] public DateTimeOffset Ts { get; init; }
    [Id(5)] public double? AmbientC { get; init; }
    [Id(6)] public double? GridPowerKw { get; init; }
    [Id(7)] public IReadOnlyList<SlotReading>? Slots { get; init; }
    [Id(8)] public IReadOnlyList<StationEvent>? Events { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SlotReading
{
    [Id(0)] public int Slot { get; init; }
    [Id(1)] public string? State { get; init; }
    [Id(2)] public string? BatteryId { get; init; }
    [Id(3)] public double? SocPct { get; init; }
    [Id(4)] public double? TempC { get; init; }
    [Id(5)] public double? SohPct { get; init; }
    [Id(6)] public int? Cycles { get; init; }
}

/// <summary>A discrete event the station reports inside a snapshot (swap, fault, ...).</summary>
[GenerateSerializer, Immutable]
public sealed record StationEvent
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public DateTimeOffset At { get; init; }
    [Id(2)] public int? SlotIn { get; init; }
    [Id(3)] public string? BatteryIn { get; init; }
    [Id(4)] public int? SlotOut { get; init; }
    [Id(5)] public string? BatteryOut { get; init; }
    [Id(6)] public int? Slot { get; init; }
    [Id(7)] public string? Code { get; init; }
}

public static class SlotStates
{
    public const string Empty = "empty";
    public const string Charging = "charging";
    public const string Ready = "ready";
    public const string Reserved = "reserved";
    public const string Fault = "fault";
    public const string Maintenance = "maintenance";

    public static readonly IReadOnlyList<string> All = [Empty, Charging, Ready, Reserved, Fault, Maintenance];

    public static bool IsKnown(string? state) => state is not null && All.Contains(state);

    /// <summary>States in which a slot must report the battery it holds.</summary>
    public static bool HoldsBattery(string state) => state is Charging or Ready or Reserved;
}

public static class EventTypes
{
    public const string Swap = "swap";
    public const string Fault = "fault";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TelemetryMessage))]
public sealed partial class TelemetryJsonContext : JsonSerializerContext;
