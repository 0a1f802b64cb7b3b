using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace EvSwap.Console;

/// <summary>
/// This silo's own request counters, read from the meters the bridge and the station grains already publish: messages
/// received, station state writes (DynamoDB writes on AWS) and telemetry batches archived (S3 PUTs). Counted from the
/// silo's start, so the cost page shows what this silo did, not a model of it.
/// </summary>
public sealed class CostMeter(TimeProvider time) : IHostedService, IDisposable
{
    public const string Received = "evswap.bridge.received";
    public const string StateWrites = "evswap.state.writes";
    public const string ArchiveWrites = "evswap.archive.writes";

    private readonly MeterListener _listener = new();
    private long _received;
    private long _stateWrites;
    private long _archiveWrites;
    private DateTimeOffset _since;

    public CostCounters Read() => new(Interlocked.Read(ref _received), Interlocked.Read(ref _stateWrites), Interlocked.Read(ref _archiveWrites), time.GetUtcNow() - _since);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _since = time.GetUtcNow();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is Received or StateWrites or ArchiveWrites)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case Received: Interlocked.Add(ref _received, value); break;
                case StateWrites: Interlocked.Add(ref _stateWrites, value); break;
                case ArchiveWrites: Interlocked.Add(ref _archiveWrites, value); break;
            }
        });
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}

/// <summary>What <see cref="CostMeter"/> counted over <see cref="Elapsed"/>.</summary>
public sealed record CostCounters(long Messages, long StateWrites, long ArchiveWrites, TimeSpan Elapsed);
