using System.Diagnostics;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Benchmarks;

/// <summary>
/// The bare-broker reference: a plain MQTTnet subscriber on the telemetry filter at QoS 1 that only counts. It does
/// what the bridge does at the transport level and nothing else, so the gap to the bridge is EvSwap's own cost.
/// </summary>
public sealed class BareSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _received;

    public long Received => Interlocked.Read(ref _received);

    public static async Task<BareSubscriber> ConnectAsync(int port)
    {
        var s = new BareSubscriber();
        s._client.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref s._received);
            return Task.CompletedTask;
        };
        await s._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("bench-bare-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .Build());
        await s._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(TelemetryTopic.Filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build());
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}

/// <summary>
/// Samples a growing count every 100 ms so a rate can be read from the middle of a run (10 % to 90 % of the total),
/// where neither connection set-up nor the last stragglers distort it.
/// </summary>
public sealed class CountSampler : IAsyncDisposable
{
    private readonly List<(double Seconds, long Count)> _samples = [];
    private readonly Func<Task<long>> _read;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    public CountSampler(Func<Task<long>> read, TimeSpan? period = null)
    {
        _read = read;
        _loop = LoopAsync(period ?? TimeSpan.FromMilliseconds(100));
    }

    public long Last { get; private set; }

    /// <summary>Waits until the count reaches <paramref name="target"/> or the timeout passes; true if reached.</summary>
    public async Task<bool> WaitForAsync(long target, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (_clock.Elapsed < deadline)
        {
            if (Last >= target)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return Last >= target;
    }

    /// <summary>Messages per second between the moments the count passed 10 % and 90 % of <paramref name="total"/>.</summary>
    public double MiddleRate(long total)
    {
        List<(double Seconds, long Count)> samples;
        lock (_samples)
        {
            samples = [.. _samples];
        }

        double? At(double fraction)
        {
            var target = total * fraction;
            for (var i = 1; i < samples.Count; i++)
            {
                if (samples[i].Count >= target)
                {
                    var (t0, c0) = samples[i - 1];
                    var (t1, c1) = samples[i];
                    return c1 == c0 ? t1 : t0 + (t1 - t0) * (target - c0) / (c1 - c0);
                }
            }

            return null;
        }

        return At(0.1) is { } a && At(0.9) is { } b && b > a ? total * 0.8 / (b - a) : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan period)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Last = await _read();
                lock (_samples)
                {
                    _samples.Add((_clock.Elapsed.TotalSeconds, Last));
                }

                await Task.Delay(period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A scrape that failed under load: the next one counts.
            }
        }
    }
}
