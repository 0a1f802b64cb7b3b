namespace EvSwap.Contracts;

/// <summary>The sequence numbers <c>From</c> to <c>To</c>, both included.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SeqRange([property: Id(0)] long From, [property: Id(1)] long To)
{
    public long Count => To - From + 1;

    public bool Contains(long seq) => seq >= From && seq <= To;
}
