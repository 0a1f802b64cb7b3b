using System.Text.Json;
using System.Text.Json.Serialization;
using EvSwap.Contracts;

namespace EvSwap.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StationListResponse))]
[JsonSerializable(typeof(StationView))]
[JsonSerializable(typeof(TelemetryResponse))]
[JsonSerializable(typeof(AlertsResponse))]
[JsonSerializable(typeof(CommandBody))]
[JsonSerializable(typeof(CommandView))]
[JsonSerializable(typeof(CommandListResponse))]
[JsonSerializable(typeof(ReservationBody))]
[JsonSerializable(typeof(ReservationView))]
[JsonSerializable(typeof(ReservationListResponse))]
[JsonSerializable(typeof(AvailabilityForecast))]
[JsonSerializable(typeof(AlarmListResponse))]
[JsonSerializable(typeof(Alarm))]
[JsonSerializable(typeof(AlarmDeliveriesResponse))]
[JsonSerializable(typeof(AcknowledgeRequest))]
[JsonSerializable(typeof(AssignRequest))]
[JsonSerializable(typeof(CommentRequest))]
[JsonSerializable(typeof(EvSwap.Archive.SeriesResult))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
