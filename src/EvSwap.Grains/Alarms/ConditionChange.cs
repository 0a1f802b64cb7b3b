namespace EvSwap.Grains;

public enum ConditionChange
{
    None,
    Raised,
    Cleared,
}
