using EvSwap.Contracts;

namespace EvSwap.Api;

public sealed record AlarmDeliveriesResponse(int Count, IReadOnlyList<AlarmDelivery> Items);
