namespace EvSwap.Ledger;

/// <summary>A battery model, recognised by the prefix of its battery ids (<c>Ledger:BatteryModels</c>).</summary>
public sealed class BatteryModel
{
    public string Name { get; set; } = "";

    /// <summary>Battery ids starting with this belong to the model; the longest matching prefix wins.</summary>
    public string IdPrefix { get; set; } = "";

    /// <summary>Nominal (new) capacity in kWh.</summary>
    public double CapacityKwh { get; set; }
}
