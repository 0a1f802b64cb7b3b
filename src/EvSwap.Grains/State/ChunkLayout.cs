namespace EvSwap.Grains;

/// <summary>
/// How a <see cref="ChunkedState{T}"/> is stored: which generation of chunk items is current and how many there are.
/// Absent, the layout is generation 0 with one chunk, so a grain that never grew needs no layout item at all.
/// </summary>
[GenerateSerializer]
public sealed class ChunkLayout
{
    [Id(0)] public long Generation { get; set; }

    [Id(1)] public int Chunks { get; set; } = 1;
}
