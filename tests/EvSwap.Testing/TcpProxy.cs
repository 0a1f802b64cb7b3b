using System.Net;
using System.Net.Sockets;

namespace EvSwap.Testing;

/// <summary>
/// A loopback TCP proxy. It can cut every connection through it and refuse new ones for a while (a network failure
/// between one client and its server, while the server and its other clients carry on), hold back what the server
/// sends (a slow store: see <see cref="Latency"/>), and show each connection's client-to-server bytes to an observer
/// (the benchmark counts HTTP requests that way).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly Func<Action<ReadOnlyMemory<byte>>>? _observeConnection;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _down;

    /// <param name="observeConnection">Called once per connection; the action it returns sees every chunk the client
    /// sends, in order, after it was forwarded.</param>
    public TcpProxy(int targetPort, Func<Action<ReadOnlyMemory<byte>>>? observeConnection = null)
    {
        _targetPort = targetPort;
        _observeConnection = observeConnection;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Added before every chunk the server sends back, so each request through the proxy is answered this much later.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Drops every open connection; new ones are closed at once until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Client.Close(0);
            }

            _open.Clear();
        }
    }

    public void Restore() => _down = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_down)
            {
                inbound.Client.Close(0);
                continue;
            }

            _ = Task.Run(() => PipeAsync(inbound));
        }
    }

    private async Task ForwardAsync(Stream from, Stream to, Action<ReadOnlyMemory<byte>> observe)
    {
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            observe(buffer.AsMemory(0, n));
        }
    }

    private async Task ForwardLateAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency, _stop.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        using var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort);
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            inbound.NoDelay = true;
            outbound.NoDelay = true;
            using var a = inbound.GetStream();
            using var b = outbound.GetStream();
            var up = _observeConnection is { } observe ? ForwardAsync(a, b, observe()) : a.CopyToAsync(b, _stop.Token);
            await Task.WhenAny(up, ForwardLateAsync(b, a));
        }
        catch (Exception)
        {
            // A cut or a closed peer ends the pipe; the client sees a dropped connection, which is the point.
        }
        finally
        {
            inbound.Dispose();
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }
}
