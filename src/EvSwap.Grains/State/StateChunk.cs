namespace EvSwap.Grains;

/// <summary>One stored chunk of a <see cref="ChunkedState{T}"/>: the items whose keys hash to it.</summary>
[GenerateSerializer]
public sealed class StateChunk<T>
{
    [Id(0)] public Dictionary<string, T> Items { get; set; } = new(StringComparer.Ordinal);
}
