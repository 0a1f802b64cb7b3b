using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Simulator;

/// <summary>
/// Publishes a fleet of simulated stations. One scheduler loop spreads the stations evenly over the interval
/// (no thread per station), and each connection bounds its unacknowledged QoS 1 publishes.
/// </summary>
public sealed class FleetRunner(SimulatorOptions options, TextWriter output)
{
    private long _published;
    private long _acknowledged;
    private long _errors;
    private long _bytes;

    public Dictionary<string, StationTally> Tallies { get; } = new(StringComparer.Ordinal);

    private SimulatedStation[]? _stations;

    /// <summary>The stations' command handling, with <c>--downlink</c>.</summary>
    public CommandResponder? Downlink { get; } = options.Downlink ? new CommandResponder(options) : null;

    /// <summary>Riders who reserve first, with <c>--reservations-per-hour</c>.</summary>
    public ReservationRiders? Riders { get; } = options.ReservationsPerHour > 0 && options.EffectiveApiUrl is not null ? new ReservationRiders(options, output) : null;
    private DeliveryScheduler? _scheduler;

    public Task<RunSummary> RunAsync(CancellationToken cancellationToken) =>
        RunCoreAsync(options.EffectiveInterval, options.Duration, cancellationToken);

    /// <summary>
    /// Runs the same fleet again at another total rate: boots stay and every station's seq carries on, so a
    /// benchmark that steps the rate sees one fleet speeding up, not every station rebooting at each step.
    /// </summary>
    public Task<RunSummary> ContinueAsync(double rate, TimeSpan duration, CancellationToken cancellationToken) =>
        RunCoreAsync(TimeSpan.FromSeconds(options.Stations / rate), duration, cancellationToken);

    private SimulatedStation[] CreateFleet()
    {
        var pool = new BatteryPool(options.Ride);
        var profile = new StationProfile
        {
            Slots = options.Slots,
            SwapsPerHour = options.SwapsPerHour,
            FaultsPerSlotPerDay = options.FaultsPerSlotPerDay,
            RebootsPerDay = options.RebootsPerDay,
            DropoutsPerDay = options.DropoutsPerDay,
        };

        // Boot from the start time: a new fleet looks like a restart of every station, so the platform accepts it.
        var boot = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var stations = Enumerable.Range(0, options.Stations)
            .Select(i => new SimulatedStation($"{options.IdPrefix}{i:D5}", i, profile, pool, options.Seed, boot))
            .ToArray();
        foreach (var s in stations)
        {
            Tallies[s.Id] = new StationTally(s.Boot);
        }

        _scheduler = new DeliveryScheduler(stations.Length, Math.Min(options.Connections, options.Stations), options.Duplicates, options.Reorder, options.Seed);

        return stations;
    }

    private async Task<RunSummary> RunCoreAsync(TimeSpan interval, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var stations = _stations ??= CreateFleet();
        (_published, _acknowledged, _errors, _bytes) = (0, 0, 0, 0);
        var connections = await ConnectAsync(Math.Min(options.Connections, options.Stations), cancellationToken);
        var scheduler = _scheduler!;
        for (var c = 0; Downlink is not null && c < connections.Length; c++)
        {
            await Downlink.SubscribeAsync(connections[c].Client, [.. stations.Where((_, i) => scheduler.HomeConnection(i) == c).Select(s => s.Id)], cancellationToken);
        }

        var deliveries = new List<Delivery>();
        var stopwatch = Stopwatch.StartNew();
        var deadline = duration is { } d ? stopwatch.Elapsed + d : TimeSpan.MaxValue;
        var nextProgress = TimeSpan.FromSeconds(1);
        long round = 0;

        try
        {
            while (!cancellationToken.IsCancellationRequested && stopwatch.Elapsed < deadline)
            {
                // Station i is due at (round + i / n) * interval; publish everything due, then sleep a little.
                for (var i = 0; i < stations.Length && !cancellationToken.IsCancellationRequested; i++)
                {
                    var due = interval * (round + (double)i / stations.Length);
                    var wait = due - stopwatch.Elapsed;
                    if (wait > TimeSpan.FromMilliseconds(2))
                    {
                        await Task.Delay(wait, cancellationToken);
                    }

                    if (stopwatch.Elapsed >= deadline)
                    {
                        break;
                    }

                    var now = DateTimeOffset.UtcNow;
                    Riders?.Arrive(stations[i], now);
                    if (Downlink is not null)
                    {
                        await Downlink.ServeAsync(stations[i], connections[scheduler.HomeConnection(i)].Client, now, cancellationToken);
                    }

                    Riders?.MaybeReserve(stations[i].Id, now, interval);
                    var message = stations[i].Step(now, interval);
                    if (message is null)
                    {
                        continue;
                    }

                    Tallies[message.StationId!].Produced(message);
                    scheduler.Next(i, message, JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage), deliveries);
                    await PublishAllAsync(connections, deliveries, cancellationToken);
                    if (stopwatch.Elapsed >= nextProgress && !options.Quiet)
                    {
                        nextProgress = stopwatch.Elapsed + TimeSpan.FromSeconds(1);
                        output.WriteLine($"[{stopwatch.Elapsed:mm\\:ss}] published {Interlocked.Read(ref _published):N0}, acked {Interlocked.Read(ref _acknowledged):N0}, errors {Interlocked.Read(ref _errors):N0}, {Interlocked.Read(ref _published) / Math.Max(0.001, stopwatch.Elapsed.TotalSeconds):N0} msg/s");
                    }
                }

                round++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: finish what is in flight and summarise.
        }

        // Whatever is still held goes out now, so every message produced is published before the run ends, as is the
        // rest of a station's deliveries that a Ctrl-C interrupted.
        scheduler.Flush(deliveries);
        await PublishAllAsync(connections, deliveries, CancellationToken.None);

        foreach (var c in connections)
        {
            await c.DrainAsync();
            await c.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            c.Client.Dispose();
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var published = Interlocked.Read(ref _published);
        return new RunSummary(
            stations.Length,
            published,
            Interlocked.Read(ref _acknowledged),
            Interlocked.Read(ref _errors),
            Math.Round(seconds, 2),
            Math.Round(published / Math.Max(seconds, 0.001), 1),
            Tallies.Values.Sum(t => t.Messages),
            Tallies.Values.Sum(t => t.Copies),
            Tallies.Values.Sum(t => t.Swaps),
            published == 0 ? 0 : Interlocked.Read(ref _bytes) / published,
            Tallies.Values.Sum(t => t.Faults),
            Tallies.Values.Sum(t => t.Late));
    }

    /// <summary>
    /// Publishes what the scheduler asked for, in its order, and empties the list. Cancelled half-way, it leaves the
    /// rest in the list for the end of the run.
    /// </summary>
    private async Task PublishAllAsync(Connection[] connections, List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        for (var i = 0; i < deliveries.Count; i++)
        {
            try
            {
                await PublishAsync(connections[deliveries[i].Connection], deliveries[i], cancellationToken);
            }
            catch (OperationCanceledException)
            {
                deliveries.RemoveRange(0, i);
                throw;
            }
        }

        deliveries.Clear();
    }

    private async Task PublishAsync(Connection connection, Delivery delivery, CancellationToken cancellationToken)
    {
        await connection.InFlight.WaitAsync(cancellationToken);
        var message = delivery.Message;
        var tally = Tallies[message.StationId!];
        tally.Published(delivery);
        Interlocked.Increment(ref _published);
        Interlocked.Add(ref _bytes, delivery.Payload.Length);
        var publish = connection.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(TelemetryTopic.For(message.StationId!))
            .WithPayload(delivery.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), CancellationToken.None);
        _ = publish.ContinueWith(t =>
        {
            connection.InFlight.Release();
            if (t.IsCompletedSuccessfully && t.Result.IsSuccess)
            {
                // Only a PUBACK makes the platform owe the message; --verify holds it to exactly these.
                tally.Acknowledged(message.Boot, message.Seq);
                Interlocked.Increment(ref _acknowledged);
            }
            else
            {
                Interlocked.Increment(ref _errors);
            }
        }, TaskScheduler.Default);
    }

    private async Task<Connection[]> ConnectAsync(int count, CancellationToken cancellationToken)
    {
        var result = new Connection[count];
        for (var i = 0; i < count; i++)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(options.BrokerHost, options.BrokerPort)
                .WithClientId($"evswap-sim-{options.Seed}-{Environment.ProcessId}-{i}")
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithTimeout(TimeSpan.FromSeconds(30));
            if (options.CertFile is not null || options.CaFile is not null)
            {
                builder.WithTlsOptions(Tls);
            }

            await client.ConnectAsync(builder.Build(), cancellationToken);
            result[i] = new Connection(client, options.MaxInFlightPerConnection);
        }

        return result;
    }

    private void Tls(MqttClientTlsOptionsBuilder tls)
    {
        tls.UseTls().WithTargetHost(options.BrokerHost);
        if (options.CertFile is not null && options.KeyFile is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            tls.WithClientCertificates([X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)]);
        }

        if (options.CaFile is not null)
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(options.CaFile);
            tls.WithTrustChain(ca);
        }
    }

    private sealed class Connection(IMqttClient client, int maxInFlight)
    {
        public IMqttClient Client { get; } = client;
        public SemaphoreSlim InFlight { get; } = new(maxInFlight);

        /// <summary>Waits (bounded) until every publish of this connection has its PUBACK.</summary>
        public async Task DrainAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (InFlight.CurrentCount < maxInFlight && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }
    }
}
