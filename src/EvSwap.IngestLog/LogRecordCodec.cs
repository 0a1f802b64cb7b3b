using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace EvSwap.IngestLog;

/// <summary>
/// A record on disk: <c>[body length u32][CRC-32 of body u32][body]</c>, body <c>[received-at UTC ticks i64]
/// [topic length u16][topic UTF-8][payload]</c>, little-endian. The length and checksum let a reader tell a record cut
/// short by a crash, or overwritten by garbage, from a valid one, and stop there instead of misreading the rest.
/// </summary>
public static class LogRecordCodec
{
    public const int HeaderBytes = 8;

    /// <summary>Larger than any record the bridge accepts (a 128 KiB payload plus its topic); a longer length is corruption.</summary>
    public const int MaxBodyBytes = 1 << 20;

    public static int EncodedLength(LogRecord record) => HeaderBytes + 8 + 2 + Encoding.UTF8.GetByteCount(record.Topic) + record.Payload.Length;

    public static void Encode(LogRecord record, Span<byte> destination)
    {
        var body = destination[HeaderBytes..EncodedLength(record)];
        BinaryPrimitives.WriteInt64LittleEndian(body, record.ReceivedAt.UtcTicks);
        var topicLength = Encoding.UTF8.GetBytes(record.Topic, body[10..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[8..], (ushort)topicLength);
        record.Payload.CopyTo(body[(10 + topicLength)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32.HashToUInt32(body));
    }

    /// <summary>Reads the record at the start of <paramref name="source"/>.</summary>
    /// <returns>The bytes it took, 0 when the source ends before the record does (a torn tail), -1 when it is corrupt.</returns>
    public static int TryDecode(ReadOnlySpan<byte> source, out LogRecord? record)
    {
        record = null;
        if (source.Length < HeaderBytes)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (length is < 10 or > MaxBodyBytes)
        {
            return -1;
        }

        if (source.Length < HeaderBytes + length)
        {
            return 0;
        }

        var body = source.Slice(HeaderBytes, (int)length);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(source[4..]))
        {
            return -1;
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(body[8..]);
        if (10 + topicLength > body.Length)
        {
            return -1;
        }

        var receivedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(body), TimeSpan.Zero);
        record = new LogRecord(receivedAt, Encoding.UTF8.GetString(body.Slice(10, topicLength)), body[(10 + topicLength)..].ToArray());
        return HeaderBytes + (int)length;
    }
}
