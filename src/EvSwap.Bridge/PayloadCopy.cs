using System.Buffers;

namespace EvSwap.Bridge;

internal static class PayloadCopy
{
    /// <summary>
    /// Copies a received payload out of MQTTnet's buffer onto the pinned object heap. The bytes stay alive until
    /// the station's buffer compresses them, long enough to survive one or two collections; on the ordinary heap
    /// every such collection copies them again (at thousands of messages a second, that copying was most of the
    /// garbage-collection pause). Pinned-heap arrays are never moved, only freed by full background collections.
    /// </summary>
    public static byte[] ToPinnedArray(in ReadOnlySequence<byte> payload)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)payload.Length), pinned: true);
        payload.CopyTo(bytes);
        return bytes;
    }
}
