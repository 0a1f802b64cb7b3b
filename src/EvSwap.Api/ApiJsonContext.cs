using System.Text.Json;
using System.Text.Json.Serialization;
using EvSwap.Contracts;

namespace EvSwap.Api;

public sealed record StationListResponse(IReadOnlyList<StationListItem> Items, string? NextCursor);

public sealed record TelemetryItem(long Boot, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, JsonElement Payload);

public sealed record TelemetryResponse(string StationId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TelemetryItem> Items, string? NextCursor);

public sealed record AlertItem(string StationId, string Kind, int? Slot, string? Code, DateTimeOffset Since, string Message);

/// <param name="Count">Alerts on this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last.</param>
public sealed record AlertsResponse(int Count, IReadOnlyList<AlertItem> Items, string? NextCursor);

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
