using EvSwap.Ledger;

namespace EvSwap.Ledger.Tests;

internal static class Swaps
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static SwapRecord Record(string station, long seq, DateTimeOffset at, string? batteryIn = "bat-in", string? batteryOut = "bat-out", int index = 0) =>
        new(SwapRecord.IdOf(station, 1, seq, index), station, at, 1, seq, index, 3, batteryIn, 20.5, 1, batteryOut, 99, 1.2345);
}
