using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvSwap.Contracts;

/// <summary>One telemetry snapshot of a station, as published on the wire (contract v1).</summary>
/// <remarks>
/// The wire types have setters, not <c>init</c>: System.Text.Json fills init-only members through an array of
/// constructor arguments that boxes every value, which cost several KB of garbage per 16-slot snapshot. Nothing
/// mutates them after parsing; they are immutable by convention, as <see cref="ImmutableAttribute"/> tells Orleans.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record TelemetryMessage
{
    public const string SchemaV1 = "evswap.telemetry.v1";

    [Id(0)] public string? Schema { get; set; }
    [Id(1)] public string? StationId { get; set; }
    [Id(2)] [JsonRequired] public long Boot { get; set; }
    [Id(3)] [JsonRequired] public long Seq { get; set; }
    [Id(4)] [JsonRequired] public DateTimeOffset Ts { get; set; }
    [Id(5)] public double? AmbientC { get; set; }
    [Id(6)] public double? GridPowerKw { get; set; }
    [Id(7)] public IReadOnlyList<SlotReading>? Slots { get; set; }
    [Id(8)] public IReadOnlyList<StationEvent>? Events { get; set; }
}

[GenerateSerializer, Immutable]
public sealed record SlotReading
{
    [Id(0)] public int Slot { get; set; }
    [Id(1)] [JsonConverter(typeof(SlotStateJsonConverter))] public string? State { get; set; }
    [Id(2)] public string? BatteryId { get; set; }
    [Id(3)] public double? SocPct { get; set; }
    [Id(4)] public double? TempC { get; set; }
    [Id(5)] public double? SohPct { get; set; }
    [Id(6)] public int? Cycles { get; set; }
}

/// <summary>A discrete event the station reports inside a snapshot (swap, fault, ...).</summary>
[GenerateSerializer, Immutable]
public sealed record StationEvent
{
    [Id(0)] public string? Type { get; set; }
    [Id(1)] public DateTimeOffset At { get; set; }
    [Id(2)] public int? SlotIn { get; set; }
    [Id(3)] public string? BatteryIn { get; set; }
    [Id(4)] public int? SlotOut { get; set; }
    [Id(5)] public string? BatteryOut { get; set; }
    [Id(6)] public int? Slot { get; set; }
    [Id(7)] public string? Code { get; set; }

    /// <summary>Swap: state of charge of the battery brought in, measured at the swap (optional; see docs/contract).</summary>
    [Id(20)] public double? SocIn { get; set; }

    /// <summary>Swap: state of charge of the battery handed out, measured at the swap (optional).</summary>
    [Id(21)] public double? SocOut { get; set; }
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

    /// <summary>The shared instance of a known state spelled in UTF-8, or null.</summary>
    public static string? Known(ReadOnlySpan<byte> utf8) => utf8 switch
    {
        _ when utf8.SequenceEqual("empty"u8) => Empty,
        _ when utf8.SequenceEqual("charging"u8) => Charging,
        _ when utf8.SequenceEqual("ready"u8) => Ready,
        _ when utf8.SequenceEqual("reserved"u8) => Reserved,
        _ when utf8.SequenceEqual("fault"u8) => Fault,
        _ when utf8.SequenceEqual("maintenance"u8) => Maintenance,
        _ => null,
    };

    /// <summary>States in which a slot must report the battery it holds.</summary>
    public static bool HoldsBattery(string state) => state is Charging or Ready or Reserved;
}

public static class EventTypes
{
    public const string Swap = "swap";
    public const string Fault = "fault";
}

/// <summary>
/// Reads a slot state as the shared constant when it is a known one, instead of a fresh string per slot each time
/// a snapshot is parsed (on ingest, and again for every view).
/// </summary>
public sealed class SlotStateJsonConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"slot state must be a string, found {reader.TokenType}");
        }

        return !reader.HasValueSequence && !reader.ValueIsEscaped && SlotStates.Known(reader.ValueSpan) is { } known ? known : reader.GetString();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TelemetryMessage))]
public sealed partial class TelemetryJsonContext : JsonSerializerContext;
