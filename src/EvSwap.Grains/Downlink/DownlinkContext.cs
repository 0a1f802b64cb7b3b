using EvSwap.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>What every station's downlink shares: the publisher, the options, the clock.</summary>
public sealed class DownlinkContext(
    IServiceProvider services, IOptions<DownlinkOptions> options, IOptions<StationOptions> station, TimeProvider time, DownlinkMetrics metrics, ILogger<DownlinkContext> logger)
{
    // Resolved lazily and optionally: a host without an MQTT link (a grain test, a tool) still runs station grains,
    // and its commands wait, unsent, until they time out.
    private readonly Lazy<ICommandPublisher?> _publisher = new(services.GetService<ICommandPublisher>);

    public DownlinkOptions Options => options.Value;
    public double ChargedSocPct => station.Value.ChargedSocPct;
    public TimeProvider Time => time;
    public ILogger Logger => logger;
    public DownlinkMetrics Metrics => metrics;

    public Task PublishAsync(StationCommand command, CancellationToken cancellationToken) =>
        _publisher.Value is { } publisher
            ? publisher.PublishAsync(command, cancellationToken)
            : Task.FromException(new InvalidOperationException("This silo has no MQTT downlink (no ICommandPublisher registered)."));
}
