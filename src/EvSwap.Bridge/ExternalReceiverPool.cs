using Microsoft.Extensions.Logging;

namespace EvSwap.Bridge;

/// <summary>The external bridge's connections, one per client id this silo holds the lease on.</summary>
internal sealed class ExternalReceiverPool(MqttOptions options, TelemetryIngestor ingestor, CommandResultIngestor results, BridgeMetrics metrics, ILogger logger) : IClientIdSlotUser, IAsyncDisposable
{
    private readonly Dictionary<int, ExternalReceiver> _connections = [];

    /// <summary>Called when the broker gave one of these client ids to another connection.</summary>
    public Action<ClientIdSlot>? TakenOver { get; set; }

    public int ConnectedCount
    {
        get
        {
            lock (_connections)
            {
                return _connections.Values.Count(c => c.IsConnected);
            }
        }
    }

    /// <summary>A connected connection for a downlink publish, taken in turn; null when none is connected.</summary>
    public ExternalReceiver? NextConnected()
    {
        lock (_connections)
        {
            var connected = _connections.Values.Where(c => c.IsConnected).ToList();
            return connected.Count == 0 ? null : connected[(int)((uint)Interlocked.Increment(ref _next) % connected.Count)];
        }
    }

    private int _next;

    public void StartUsing(ClientIdSlot slot, CancellationToken leaseValid)
    {
        var connection = new ExternalReceiver(slot.ClientId, options, MqttClientOptionsFactory.Create(options, slot.ClientId), ingestor, results, metrics, logger, leaseValid, () => TakenOver?.Invoke(slot));
        ExternalReceiver? previous;
        lock (_connections)
        {
            _connections.Remove(slot.Number, out previous);
            _connections[slot.Number] = connection;
        }

        // A connection that lost its lease and got it back: the old one must be gone before the new one connects,
        // or the broker would see two connections with one client id.
        var closed = previous?.AbortAsync();
        connection.Start(closed);
        if (previous is not null)
        {
            _ = closed!.ContinueWith(_ => previous.DisposeAsync().AsTask(), TaskScheduler.Default).Unwrap();
        }
    }

    public async Task<bool> StopUsingAsync(ClientIdSlot slot, CancellationToken cancellationToken)
    {
        ExternalReceiver? connection;
        lock (_connections)
        {
            _connections.Remove(slot.Number, out connection);
        }

        if (connection is null)
        {
            return false;
        }

        var clean = await connection.DrainAsync(cancellationToken);
        await connection.DisposeAsync();
        return clean;
    }

    public async ValueTask DisposeAsync()
    {
        List<ExternalReceiver> connections;
        lock (_connections)
        {
            connections = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }
    }
}
