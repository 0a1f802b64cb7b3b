using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EvSwap.Benchmarks;

/// <summary>
/// A TCP proxy in front of a stand-in (dynalite, s3rver) that counts the HTTP/1.1 requests passing through it, by
/// DynamoDB operation (X-Amz-Target) or else by method. It counts what the silo really sends, retries included,
/// independently of the silo's own metrics. Requests are delimited by their Content-Length, which the AWS SDK
/// sends for both services (the S3 store disables chunked uploads for s3rver's sake).
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Task _accepting;
    private long _bodyBytes;

    public CountingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Request bodies sent to the stand-in (S3: object bytes plus small request bodies).</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public IReadOnlyDictionary<string, long> Snapshot() => _counts.ToDictionary();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        try
        {
            client.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            var responses = up.CopyToAsync(down, _stop.Token);
            await Task.WhenAny(ForwardRequestsAsync(down, up), responses);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed connection ends its pair.
        }
    }

    private async Task ForwardRequestsAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        var head = new MemoryStream();
        long bodyLeft = 0;
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            ReadOnlyMemory<byte> data = buffer.AsMemory(0, n);
            while (!data.IsEmpty)
            {
                if (bodyLeft > 0)
                {
                    var take = (int)Math.Min(bodyLeft, data.Length);
                    bodyLeft -= take;
                    Interlocked.Add(ref _bodyBytes, take);
                    data = data[take..];
                    continue;
                }

                head.Write(data.Span);
                var bytes = head.GetBuffer().AsSpan(0, (int)head.Length);
                var end = bytes.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    break;
                }

                bodyLeft = Count(Encoding.ASCII.GetString(bytes[..end]));
                data = bytes[(end + 4)..].ToArray();
                head.SetLength(0);
            }
        }
    }

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
}
