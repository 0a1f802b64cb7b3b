namespace EvSwap.Api;

/// <param name="EnergyUnknown">Swaps of the day whose energy is unknown (a state of charge was not reported) and not in <paramref name="EnergyKwh"/>.</param>
public sealed record DailySwaps(DateOnly Day, int Swaps, double EnergyKwh, int EnergyUnknown);
