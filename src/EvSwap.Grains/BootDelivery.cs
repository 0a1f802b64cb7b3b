using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>One boot's messages: which were applied (counted) and which the archive holds.</summary>
[GenerateSerializer]
public sealed class BootDelivery
{
    [Id(0)] public long Boot { get; set; }
    [Id(1)] public SeqSet Applied { get; set; } = new();
    [Id(2)] public SeqSet Archived { get; set; } = new();

    /// <summary>Numbers at or below this were forgotten when the set had too many gaps to keep.</summary>
    [Id(3)] public long ForgottenUpTo { get; set; } = -1;
}
