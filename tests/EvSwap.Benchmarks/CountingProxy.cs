using System.Collections.Concurrent;
using System.Text;
using EvSwap.Testing;

namespace EvSwap.Benchmarks;

/// <summary>
/// A TCP proxy in front of a stand-in (dynalite, s3rver) that counts the HTTP/1.1 requests passing through it, by
/// DynamoDB operation (X-Amz-Target) or else by method. It counts what the silo really sends, retries included,
/// independently of the silo's own metrics. Requests are delimited by their Content-Length, which the AWS SDK
/// sends for both services (the S3 store disables chunked uploads for s3rver's sake).
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly TcpProxy _proxy;
    private long _bodyBytes;

    public CountingProxy(int targetPort) => _proxy = new TcpProxy(targetPort, () => new RequestReader(this).Read);

    public int Port => _proxy.Port;

    /// <summary>Request bodies sent to the stand-in (S3: object bytes plus small request bodies).</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public IReadOnlyDictionary<string, long> Snapshot() => _counts.ToDictionary();

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    /// <summary>Counts one request head and returns its body length.</summary>
    private long Count(string head)
    {
        var lines = head.Split("\r\n");
        var method = lines[0].Split(' ')[0];
        string? target = null;
        long length = 0;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase))
            {
                target = value[(value.IndexOf('.') + 1)..];
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        _counts.AddOrUpdate(target ?? method, 1, (_, c) => c + 1);
        return length;
    }

    /// <summary>Splits one connection's request stream into heads and bodies.</summary>
    private sealed class RequestReader(CountingProxy owner)
    {
        private readonly MemoryStream _head = new();
        private long _bodyLeft;

        public void Read(ReadOnlyMemory<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var take = (int)Math.Min(_bodyLeft, data.Length);
                    _bodyLeft -= take;
                    Interlocked.Add(ref owner._bodyBytes, take);
                    data = data[take..];
                    continue;
                }

                _head.Write(data.Span);
                var bytes = _head.GetBuffer().AsSpan(0, (int)_head.Length);
                var end = bytes.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    return;
                }

                _bodyLeft = owner.Count(Encoding.ASCII.GetString(bytes[..end]));
                data = bytes[(end + 4)..].ToArray();
                _head.SetLength(0);
            }
        }
    }
}
