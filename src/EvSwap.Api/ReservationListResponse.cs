using EvSwap.Contracts;

namespace EvSwap.Api;

/// <summary>A station's reservations, newest first.</summary>
public sealed record ReservationListResponse(string StationId, IReadOnlyList<ReservationView> Items);
