using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvSwap.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SwapListResponse))]
[JsonSerializable(typeof(DailySwapsResponse))]
public sealed partial class SwapJsonContext : JsonSerializerContext;
