using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvSwap.Webhooks;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookEvent))]
public sealed partial class WebhookJsonContext : JsonSerializerContext;
