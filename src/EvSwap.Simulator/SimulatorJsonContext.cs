using System.Text.Json.Serialization;

namespace EvSwap.Simulator;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
