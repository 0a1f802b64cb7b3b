using System.Text.Json.Serialization;

namespace EvSwap.Contracts;

/// <summary>The downlink's wire types, camelCase like telemetry v1.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(StationCommand))]
[JsonSerializable(typeof(CommandResult))]
public sealed partial class DownlinkJsonContext : JsonSerializerContext;
