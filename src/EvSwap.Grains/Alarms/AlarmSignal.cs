namespace EvSwap.Grains;

/// <summary>What one reading says about a condition. Hold is the hysteresis band: neither raise nor clear.</summary>
public enum AlarmSignal
{
    Hold,
    Raise,
    Clear,
}
