using System.Diagnostics.Metrics;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

/// <summary>
/// The downlink's instruments, on one station's downlink with its own meter factory and clock, so no other station's
/// commands (the shared test silo's) count in what is measured.
/// </summary>
public sealed class DownlinkMetricsTests : IDisposable
{
    private const string StationId = "st-metrics";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly StationLink _link = new();
    private readonly StationDownlink _downlink;
    private readonly MetricCollector<long> _commands;
    private readonly MetricCollector<long> _reservations;
    private readonly MetricCollector<double> _confirmation;

    public DownlinkMetricsTests()
    {
        _services = new ServiceCollection().AddMetrics().AddSingleton<ICommandPublisher>(_link).BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        _commands = new MetricCollector<long>(meters, DownlinkMetrics.MeterName, DownlinkMetrics.CommandsName);
        _reservations = new MetricCollector<long>(meters, DownlinkMetrics.MeterName, DownlinkMetrics.ReservationsName);
        _confirmation = new MetricCollector<double>(meters, DownlinkMetrics.MeterName, DownlinkMetrics.ConfirmationTimeName);
        var context = new DownlinkContext(_services, Options.Create(new DownlinkOptions()), Options.Create(new StationOptions()), _clock,
            new DownlinkMetrics(meters), NullLogger<DownlinkContext>.Instance);
        _downlink = new StationDownlink(StationId, new DownlinkState(), context);
    }

    public void Dispose()
    {
        _commands.Dispose();
        _reservations.Dispose();
        _confirmation.Dispose();
        _services.Dispose();
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private long Commands(string type, string status) => _commands.GetMeasurementSnapshot()
        .Where(m => Equals(m.Tags["type"], type) && Equals(m.Tags["status"], status)).Sum(m => m.Value);

    private long Reservations(string status) => _reservations.GetMeasurementSnapshot().Where(m => Equals(m.Tags["status"], status)).Sum(m => m.Value);

    private bool Answer(string commandId, string status) =>
        _downlink.Report(new CommandResult { Schema = CommandResult.SchemaV1, StationId = StationId, CommandId = commandId, Status = status, Ts = Now }, Now);

    private Task<CommandSubmission> SendAsync(string type, int? slot = null) =>
        _downlink.SendAsync(new CommandRequest(type, slot, "op-1", null), Now);

    [Fact]
    public async Task Commands_are_counted_by_type_as_sent_acknowledged_succeeded_failed_and_timed_out()
    {
        var restart = (await SendAsync(CommandTypes.RestartCabinet)).Command!;
        var maintenance = (await SendAsync(CommandTypes.SlotMaintenance, 2)).Command!;
        _link.BrokerDown = true;
        await SendAsync(CommandTypes.ReleaseSlot, 1);

        Answer(restart.CommandId, CommandResultStatuses.Acknowledged);
        Answer(restart.CommandId, CommandResultStatuses.Succeeded);
        Answer(restart.CommandId, CommandResultStatuses.Succeeded);
        Answer(maintenance.CommandId, CommandResultStatuses.Failed);
        _clock.Advance(new DownlinkOptions().CommandTimeout);
        _downlink.Expire(Now);

        Assert.Equal((1, 1, 1, 0), (Commands(CommandTypes.RestartCabinet, "sent"), Commands(CommandTypes.RestartCabinet, "acknowledged"),
            Commands(CommandTypes.RestartCabinet, "succeeded"), Commands(CommandTypes.RestartCabinet, "failed")));
        Assert.Equal((1, 1), (Commands(CommandTypes.SlotMaintenance, "sent"), Commands(CommandTypes.SlotMaintenance, "failed")));
        Assert.Equal((0, 1), (Commands(CommandTypes.ReleaseSlot, "sent"), Commands(CommandTypes.ReleaseSlot, "timed_out")));
    }

    [Fact]
    public async Task Reservations_are_counted_as_made_confirmed_fulfilled_cancelled_expired_and_failed_with_the_confirmation_time()
    {
        IReadOnlyList<SlotReading> slots = [Ready(1, "bat-a"), Ready(2, "bat-b"), Ready(3, "bat-c"), Ready(4, "bat-d")];
        async Task<ReservationView> Reserve(int i) => (await _downlink.ReserveAsync(new ReservationRequest($"rider-{i}", TimeSpan.FromMinutes(5), null), slots, Now)).Reservation!;
        var fulfilled = await Reserve(1);
        var cancelled = await Reserve(2);
        var expired = await Reserve(3);
        var refused = await Reserve(4);

        _clock.Advance(TimeSpan.FromMilliseconds(1500));
        Answer(fulfilled.CommandId, CommandResultStatuses.Succeeded);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Answer(expired.CommandId, CommandResultStatuses.Succeeded);
        Answer(refused.CommandId, CommandResultStatuses.Failed);
        var swap = new StationEvent { Type = EventTypes.Swap, At = Now, SlotIn = 9, BatteryIn = "bat-in", SlotOut = fulfilled.Slot, BatteryOut = fulfilled.BatteryId };
        _downlink.OnTelemetry(TelemetryBuilder.For(StationId).At(Now).Slots(slots).Event(swap).Build(), newest: true, Now);
        await _downlink.CancelAsync(cancelled.ReservationId, Now);
        _clock.Advance(TimeSpan.FromMinutes(5));
        _downlink.Expire(Now);

        Assert.Equal([4, 2, 1, 1, 1, 1], new[] { "made", "confirmed", "fulfilled", "cancelled", "expired", "failed" }.Select(Reservations));
        Assert.Equal([1500, 2000], _confirmation.GetMeasurementSnapshot().Select(m => m.Value).Order());
    }
}
