using MQTTnet.Exceptions;

namespace EvSwap.Bridge;

/// <summary>
/// One client connection's byte stream as the embedded broker reads it, refusing an MQTT packet larger than the limit
/// as soon as its fixed header says so. MQTTnet allocates a packet's whole body from the length in that header, up to
/// 256 MB, before reading any of it; this makes the declared length the only thing it trusts that is checked first.
/// </summary>
/// <remarks>
/// MQTTnet reads a packet's fixed header and then exactly its body, never beyond, so following the bytes it is given
/// is enough to know where each packet starts. The size compared is MQTT 5's "packet size": fixed header and body.
/// </remarks>
/// <param name="refused">Told the size of a refused packet, for the log: MQTTnet swallows the exception.</param>
internal sealed class PacketSizeLimitStream(Stream inner, int maxPacketBytes, Action<long> refused) : Stream
{
    private Part _part = Part.Type;
    private int _remainingLength;
    private int _lengthBytes;
    private int _bodyLeft;

    private enum Part
    {
        Type,
        Length,
        Body,
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Follow(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Follow(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Follow(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_part)
            {
                case Part.Type:
                    i++;
                    (_part, _remainingLength, _lengthBytes) = (Part.Length, 0, 0);
                    break;

                case Part.Length:
                    // Remaining length: up to four bytes, seven bits each, least significant first.
                    var b = bytes[i++];
                    _remainingLength |= (b & 0x7f) << (7 * _lengthBytes++);
                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            throw new MqttProtocolViolationException("Remaining length is invalid.");
                        }

                        break;
                    }

                    var packetBytes = 1L + _lengthBytes + _remainingLength;
                    if (packetBytes > maxPacketBytes)
                    {
                        refused(packetBytes);
                        throw new MqttPacketTooLargeException(packetBytes, maxPacketBytes);
                    }

                    (_part, _bodyLeft) = _remainingLength == 0 ? (Part.Type, 0) : (Part.Body, _remainingLength);
                    break;

                case Part.Body:
                    var n = Math.Min(_bodyLeft, bytes.Length - i);
                    i += n;
                    _bodyLeft -= n;
                    if (_bodyLeft == 0)
                    {
                        _part = Part.Type;
                    }

                    break;
            }
        }
    }
}
